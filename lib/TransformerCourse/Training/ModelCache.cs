using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TransformerCourse.IO;

namespace TransformerCourse.Training;

/// <summary>
/// Trains an <see cref="Experiment"/> once and reuses the trained model afterwards: a notebook that is run again (or
/// run by CI in the kernel and in the runner) does not repeat the same training. The key is everything that decides
/// the outcome: task, model kind, the training options, the initial parameters (so the sizes and the seed) and the
/// build of this library. A hit loads the trained weights into the experiment's model and returns the result that
/// the training run produced (history, test evaluation, training time).
/// </summary>
/// <remarks>
/// Files live in <c>$COURSE_MODEL_CACHE</c>, or <c>~/.cache/transformercourse/models</c>; deleting the folder is
/// always safe. Set <c>COURSE_MODEL_CACHE=off</c> to always train.
/// </remarks>
public static class ModelCache
{
    /// <summary>The cache folder, or null when caching is off.</summary>
    public static string? Folder
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
            if (string.Equals(env, "off", StringComparison.OrdinalIgnoreCase)) return null;
            return string.IsNullOrEmpty(env)
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "transformercourse", "models")
                : env;
        }
    }

    /// <summary>
    /// Returns the result of <see cref="Experiment.Run"/>: from the cache when the same experiment was trained
    /// before (<c>FromCache</c> true, the model's weights replaced by the trained ones), otherwise by training now
    /// and storing the outcome. Call it on a freshly created experiment, before any training step.
    /// </summary>
    public static (ExperimentResult Result, bool FromCache) Run(Experiment experiment, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (experiment.Optimizer.StepCount != 0)
            throw new InvalidOperationException("ModelCache.Run: the experiment has already been trained; create a fresh one.");
        var folder = Folder;
        var file = folder is null ? null
            : Path.Combine(folder, $"{experiment.Task}-{experiment.ModelKind}-{Key(experiment)}.safetensors");
        return LoadOrTrain(file, experiment.Model, () =>
        {
            if (progress is not null) experiment.Trainer.OnProgress = progress;
            return experiment.Run();
        });
    }

    /// <summary>
    /// The same for a model a notebook trains with its own loop: <paramref name="train"/> runs only when no model
    /// with this <paramref name="name"/>, these <paramref name="settings"/> (everything the loop depends on, as text),
    /// the same initial parameters and the same library build was stored before; otherwise the stored weights are
    /// loaded into <paramref name="model"/> and the stored result (anything JSON can hold) is returned.
    /// Call it on a freshly created model, before any training step.
    /// </summary>
    public static (TResult Result, bool FromCache) Run<TResult>(string name, Nn.Module model, string settings, Func<TResult> train)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        var folder = Folder;
        var file = folder is null ? null : Path.Combine(folder, $"{name}-{Key(name, model, settings)}.safetensors");
        return LoadOrTrain(file, model, train);
    }

    // The stored weights and result when the file holds them, else train and store (written to a temporary file
    // first, so a run stopped half-way never leaves a broken cache entry).
    private static (TResult Result, bool FromCache) LoadOrTrain<TResult>(string? file, Nn.Module model, Func<TResult> train)
    {
        if (file is not null && File.Exists(file))
        {
            try
            {
                var stored = SafeTensors.Read(file);
                var result = JsonSerializer.Deserialize<TResult>(stored.Metadata["result"]);
                if (result is not null)
                {
                    SafeTensors.Load(model, file);
                    return (result, true);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or JsonException or KeyNotFoundException
                                          or ArgumentException or NotSupportedException)
            {
                // A damaged or outdated file is not an error: train again and overwrite it.
            }
        }
        var trained = train();
        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + $".{Environment.ProcessId}.tmp";
            SafeTensors.Save(model, temp, metadata: new Dictionary<string, string> { ["result"] = JsonSerializer.Serialize(trained) });
            File.Move(temp, file, overwrite: true);
        }
        return (trained, false);
    }

    private static string Key(string name, Nn.Module model, string settings)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Add(name);
        Add(settings);
        Add(typeof(ModelCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        AddState(sha, model);
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }

    private static void AddState(IncrementalHash sha, Nn.Module model)
    {
        foreach (var (name, value) in model.StateDict().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
            var bytes = new byte[value.RowCount * value.ColumnCount * sizeof(double)];
            Buffer.BlockCopy(value.ToColumnMajorArray(), 0, bytes, 0, bytes.Length);
            sha.AppendData(bytes);
        }
    }

    /// <summary>A short hash of everything that decides a training run's outcome.</summary>
    public static string Key(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) => sha.AppendData(Encoding.UTF8.GetBytes(s + "\n"));
        Add(experiment.Task);
        Add(experiment.ModelKind);
        Add(experiment.Options.ToString());
        Add(experiment.Options.Schedule?.ToString() ?? "");
        Add(experiment.Train.Count.ToString(CultureInfo.InvariantCulture));
        Add(typeof(ModelCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        AddState(sha, experiment.Model);
        return Convert.ToHexString(sha.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
