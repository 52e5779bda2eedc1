using System.Globalization;
using TransformerCourse.IO;
using TransformerCourse.Recipes;
using TransformerCourse.Training;

namespace TransformerCourse.Cli;

/// <summary>
/// The checkpoints of <c>course train</c>: a library <see cref="Checkpoint"/> (model, optimiser state, position in the
/// data, history) plus, in its metadata, the run it belongs to (<c>course.task</c>, <c>course.model</c>,
/// <c>course.seed</c>, <c>course.scale</c>) and whether the run was stopped or finished (<c>course.state</c>), so
/// <c>course train --resume FILE</c> needs nothing else. Written to FILE.partial, then moved onto FILE, so an
/// interrupted write never spoils the previous checkpoint.
/// </summary>
public static class TrainCheckpoint
{
    /// <summary>Metadata keys.</summary>
    public const string TaskKey = "course.task", ModelKey = "course.model", SeedKey = "course.seed",
        ScaleKey = "course.scale", StateKey = "course.state";

    /// <summary>Values of <see cref="StateKey"/>.</summary>
    public const string Stopped = "stopped", Finished = "finished";

    /// <summary>What a checkpoint says about its run (null where an older checkpoint does not say).</summary>
    /// <param name="Task">The task.</param>
    /// <param name="Model">The model kind.</param>
    /// <param name="Seed">The seed.</param>
    /// <param name="Scale">The scale.</param>
    /// <param name="State"><see cref="Stopped"/> or <see cref="Finished"/>.</param>
    /// <param name="Step">Optimiser steps taken.</param>
    public sealed record RunInfo(string? Task, string? Model, int? Seed, double? Scale, string? State, int Step);

    /// <summary>
    /// Checks a <c>--save</c> path before training: a folder is refused, a missing parent folder is created and the
    /// place is written to once, so nothing is trained that cannot be saved. Returns the folder created, if any.
    /// </summary>
    public static string? PrepareSavePath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException("--save needs a file name");
        if (Directory.Exists(path) || path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar))
        {
            var example = Path.Combine(path.TrimEnd('/', Path.DirectorySeparatorChar), "run.safetensors");
            throw new UsageException($"--save {path}: that is a folder; give a file name, e.g. --save {example}");
        }
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        string? created = null;
        try
        {
            if (!Directory.Exists(folder))
            {
                Directory.CreateDirectory(folder);
                created = Path.GetDirectoryName(path) is { Length: > 0 } given ? given : folder;
            }
            string probe = full + ".partial";
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--save {path}: cannot write there ({e.Message})");
        }
        return created;
    }

    /// <summary>
    /// Takes the lock <c>FILE.lock</c> beside <c>--save FILE</c> for the whole run (released when the process ends,
    /// however it ends); a usage error naming the file when another <c>course train</c> holds it.
    /// </summary>
    public static IDisposable Lock(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string lockFile = Path.GetFullPath(path) + ".lock";
        try
        {
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1,
                FileOptions.DeleteOnClose);
        }
        catch (IOException e)
        {
            throw new UsageException(
                $"--save {path}: another course train is saving to that file (it holds {lockFile}); wait for it to " +
                $"finish or give another --save ({e.Message})");
        }
    }

    /// <summary>Writes the checkpoint of <paramref name="experiment"/>'s run to <paramref name="path"/>.</summary>
    public static void Save(string path, Experiment experiment, TrainSettings settings, string state)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(settings);
        string partial = Path.GetFullPath(path) + ".partial";
        Checkpoint.Save(partial, experiment.Model, experiment.Optimizer, experiment.Trainer);
        var file = SafeTensors.Read(partial);
        var metadata = file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        metadata[TaskKey] = settings.Task;
        metadata[ModelKey] = experiment.ModelKind;
        metadata[SeedKey] = settings.Seed.ToString(CultureInfo.InvariantCulture);
        metadata[ScaleKey] = settings.Scale.ToString("R", CultureInfo.InvariantCulture);
        metadata[StateKey] = state;
        SafeTensors.Write(partial, file.Tensors.Values, metadata);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>Reads the run of a <c>--resume</c> checkpoint; a problem is a <see cref="UsageException"/>.</summary>
    public static RunInfo ReadRun(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            throw new UsageException($"--resume {path}: that is a folder; give the file --save wrote");
        if (!File.Exists(path)) throw new UsageException($"--resume: no file {path}");
        IReadOnlyDictionary<string, string> m;
        SafeTensorsFile file;
        try
        {
            file = SafeTensors.Read(path);
            m = file.Metadata;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--resume {path}: not a checkpoint ({e.Message})");
        }
        if (!m.ContainsKey("epoch") || !m.TryGetValue("step", out var step))
            throw new UsageException($"--resume {path}: not a training checkpoint (course train --save writes those)");
        var invariant = CultureInfo.InvariantCulture;
        int? seed = m.TryGetValue(SeedKey, out var s) && int.TryParse(s, invariant, out int n) ? n : null;
        double? scale = m.TryGetValue(ScaleKey, out var x) && double.TryParse(x, invariant, out double d) ? d : null;
        // A damaged or hand-edited checkpoint is refused here, naming the entry, not deep inside training.
        if (m.ContainsKey(ScaleKey) && scale is not (> 0 and <= 1))
            throw new UsageException($"--resume {path}: the checkpoint's {ScaleKey} is \"{x}\", not a number in (0, " +
                $"1]");
        if (m.TryGetValue(ModelKey, out var model) && !Experiment.ModelKinds.Contains(model))
        {
            throw new UsageException($"--resume {path}: the checkpoint's {ModelKey} is \"{model}\", not one of " +
                                     string.Join(", ", Experiment.ModelKinds));
        }
        int steps = int.TryParse(step, invariant, out int k) && k >= 0 ? k
            : throw new UsageException($"--resume {path}: the checkpoint's step is \"{step}\", not a whole number ≥ 0");
        string epochText = m["epoch"];
        if (!int.TryParse(epochText, invariant, out int epoch) || epoch < 1 || epoch > steps + 1)
        {
            throw new UsageException($"--resume {path}: the checkpoint's epoch is \"{epochText}\"; after {steps} " +
                                     $"steps it must be a whole number from 1 to {steps + 1}");
        }
        if (file.Tensors.Values.FirstOrDefault(t => !t.Data.All(double.IsFinite)) is { } bad)
            throw new UsageException($"--resume {path}: the checkpoint's tensor '{bad.Name}' holds NaN or ∞");
        return new RunInfo(m.GetValueOrDefault(TaskKey), model, seed, scale, m.GetValueOrDefault(StateKey), steps);
    }
}
