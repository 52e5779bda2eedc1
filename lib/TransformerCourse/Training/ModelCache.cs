using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TransformerCourse.IO;

namespace TransformerCourse.Training;

/// <summary>
/// Trains a model once and reuses the trained model afterwards: a notebook that is run again (or run by CI in the
/// kernel and in the runner) does not repeat the same training. The key is everything that decides the outcome: a
/// name, the settings of the training loop (as text), the initial parameters (so the sizes and the seed) and the build
/// of this library. A hit loads the trained weights into the model and returns what the training run returned.
/// The course's ready-made runs (<c>Experiment</c>, in TransformerCourse.Recipes) are cached the same way by
/// <c>ExperimentCache.Run</c>.
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
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache",
                    "transformercourse", "models")
                : env;
        }
    }

    /// <summary>
    /// Returns what <paramref name="train"/> returns, training only when no model with this <paramref name="name"/>,
    /// these <paramref name="settings"/> (everything the loop depends on, as text), the same initial parameters and the
    /// same library build was stored before; otherwise the stored weights are loaded into <paramref name="model"/> and
    /// the stored result (anything JSON can hold) is returned.
    /// Call it on a freshly created model, before any training step.
    /// </summary>
    public static (TResult Result, bool FromCache) Run<TResult>(string name, Nn.Module model, string settings,
        Func<TResult> train)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(train);
        var folder = Folder;
        if (folder is not null && File.Exists(folder))
        {
            throw new InvalidOperationException(
                $"ModelCache.Run(\"{name}\"): COURSE_MODEL_CACHE={folder} is a file, not a folder; point it at a " +
                "folder, or set COURSE_MODEL_CACHE=off to always train");
        }
        var file = folder is null ? null : Path.Combine(folder, $"{name}-{Key(name, model, settings)}.safetensors");
        return LoadOrTrain(file, model, train);
    }

    // The stored weights and result when the file holds them, else train and store (written to a temporary file
    // first, so a run stopped half-way never leaves a broken cache entry).
    private static (TResult Result, bool FromCache) LoadOrTrain<TResult>(string? file, Nn.Module model,
        Func<TResult> train)
    {
        if (file is not null && File.Exists(file))
        {
            try
            {
                var stored = SafeTensors.Read(file);
                var result = JsonSerializer.Deserialize<TResult>(stored.Metadata["result"]);
                // Weights that are not all finite are a damaged entry: trained again, never loaded.
                var finite = stored.Tensors.Values.All(t => t.Data.All(double.IsFinite));
                if (result is not null && finite)
                {
                    SafeTensors.Load(model, file);
                    return (result, true);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or JsonException or KeyNotFoundException
                                          or ArgumentException or NotSupportedException)
            {
                // A damaged or outdated file is not an error: train again and overwrite it.
                // (Loading checks names and shapes before it writes any parameter.)
            }
        }
        var trained = train();
        if (file is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temp = file + $".{Environment.ProcessId}.tmp";
            var metadata = new Dictionary<string, string> { ["result"] = JsonSerializer.Serialize(trained) };
            SafeTensors.Save(model, temp, metadata: metadata);
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
}
