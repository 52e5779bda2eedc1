using System.Globalization;
using System.Text.Json;
using TransformerCourse.Generation;
using TransformerCourse.IO;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;

namespace TransformerCourse.Training;

/// <summary>
/// Saving and resuming training in one safetensors file: the model's parameters (<c>model.*</c>), the optimiser's state
/// (<c>optimizer.*</c>: step, learning rate, each parameter's step count and buffers) and, in the metadata, the
/// optimiser's type, where in the data the run was (epoch, batch) and its history. Because the batch order is a pure
/// function of (seed, epoch), a resumed run takes
/// exactly the steps the uninterrupted run would have taken.
/// </summary>
public static class Checkpoint
{
    /// <summary>Writes the checkpoint of a run to <paramref name="path"/>.</summary>
    public static void Save(string path, Seq2SeqModel model, Optimizer optimizer, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var metadata = new Dictionary<string, string>
        {
            ["epoch"] = trainer.Epoch.ToString(CultureInfo.InvariantCulture),
            ["batch_in_epoch"] = trainer.BatchInEpoch.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(trainer.History),
        };
        SafeTensors.SaveCheckpoint(path, model, optimizer, optimizer.StepCount, metadata);
    }

    /// <summary>
    /// Restores a checkpoint into a freshly built model, optimiser and trainer of the same shapes, ready to
    /// <see cref="Trainer.Fit"/> on. The file is checked completely (metadata, the model's names and shapes, the
    /// optimiser's type and state) before anything is changed: when it does not fit, the model, the optimiser and the
    /// trainer are left exactly as they were.
    /// </summary>
    public static void Load(string path, Seq2SeqModel model, Optimizer optimizer, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(optimizer);
        var file = SafeTensors.Read(path);
        string source = Path.GetFileName(path);
        // The tensors first (a plain weights file, another optimiser, other shapes), then the metadata; nothing is
        // changed until both have been checked.
        var (apply, _) = SafeTensors.PrepareCheckpoint(file, source, model, optimizer);
        var metadata = file.Metadata;
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException(
                $"{source}: the checkpoint's metadata has no '{key}' (not a training checkpoint?).");
        int Whole(string key, int min)
        {
            string text = Get(key);
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min ? v
                : throw new InvalidDataException(
                    $"{source}: the checkpoint's '{key}' is \"{text}\", not a whole number ≥ {min}.");
        }
        int epoch = Whole("epoch", 1), batchInEpoch = Whole("batch_in_epoch", 0);
        List<TrainingRecord>? history;
        try
        {
            history = JsonSerializer.Deserialize<List<TrainingRecord>>(Get("history"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the checkpoint's history is not valid JSON ({e.Message}).", e);
        }
        if (history is null) throw new InvalidDataException($"{source}: the checkpoint's history is empty.");
        apply();
        trainer.Resume(epoch, batchInEpoch, history);
    }
}
