using System.Globalization;
using System.Text.Json;
using TransformerCourse.IO;
using TransformerCourse.Optim;

namespace TransformerCourse.Training;

/// <summary>
/// Saving and resuming training in one safetensors file: the model's parameters (<c>model.*</c>), the optimiser's state
/// (<c>optimizer.*</c>: step, learning rate, moment buffers) and, in the metadata, where in the data the run was
/// (epoch, batch) and its history. Because the batch order is a pure function of (seed, epoch), a resumed run takes
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

    /// <summary>Restores a checkpoint into a freshly built model, optimiser and trainer of the same shapes, ready to <see cref="Trainer.Fit"/> on.</summary>
    public static void Load(string path, Seq2SeqModel model, Optimizer optimizer, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        SafeTensors.LoadCheckpoint(path, model, optimizer);
        var metadata = SafeTensors.Read(path).Metadata;
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{Path.GetFileName(path)}: the checkpoint's metadata has no '{key}' (not a training checkpoint?).");
        var history = JsonSerializer.Deserialize<List<TrainingRecord>>(Get("history"))
            ?? throw new InvalidDataException($"{Path.GetFileName(path)}: the checkpoint's history is empty.");
        trainer.Resume(int.Parse(Get("epoch"), CultureInfo.InvariantCulture), int.Parse(Get("batch_in_epoch"), CultureInfo.InvariantCulture), history);
    }
}
