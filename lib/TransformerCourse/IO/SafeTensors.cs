using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Nn;
using TransformerCourse.Optim;

namespace TransformerCourse.IO;

/// <summary>The element types this library reads and writes.</summary>
public enum SafeTensorsDType
{
    /// <summary>IEEE double, 8 bytes little-endian (exact for our tensors).</summary>
    F64,

    /// <summary>IEEE single, 4 bytes little-endian (half the size; values are rounded to float).</summary>
    F32,
}

/// <summary>One named tensor: its PyTorch shape and its values in row-major (C) order.</summary>
/// <param name="Name">E.g. <c>encoder.layers.0.linear1.weight</c>.</param>
/// <param name="DType">The element type in the file.</param>
/// <param name="Shape">The shape ([] for a scalar, [d] for a vector).</param>
/// <param name="Data">The values, row-major (as doubles, whatever the file's type).</param>
public sealed record SafeTensor(string Name, SafeTensorsDType DType, int[] Shape, double[] Data)
{
    /// <summary>The shape as text, e.g. "[4, 3]".</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>The tensor as a matrix in the course's layout: [] → 1×1, [d] → 1×d, [r, c] → r×c, [a, …,
    /// d] → (a·…)×d.</summary>
    public Matrix<double> ToMatrix()
    {
        int cols = Shape.Length == 0 ? 1 : Shape[^1];
        int rows = cols == 0 ? 0 : Data.Length / cols;
        var m = new DenseMatrix(rows, cols);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = Data[i * cols + j];
        return m;
    }

    /// <summary>A tensor from a matrix, with the given PyTorch shape (default [rows, cols]) and element type.</summary>
    public static SafeTensor FromMatrix(string name, Matrix<double> m, int[]? shape = null,
        SafeTensorsDType dtype = SafeTensorsDType.F64)
    {
        ArgumentNullException.ThrowIfNull(m);
        shape ??= [m.RowCount, m.ColumnCount];
        if (shape.Any(d => d < 0))
            throw new ArgumentException(
                $"SafeTensor '{name}': shape [{string.Join(", ", shape)}] has a negative size.");
        var count = SafeTensors.ElementCount(shape);
        if (count != (long)m.RowCount * m.ColumnCount)
            throw new ArgumentException(
                $"SafeTensor '{name}': shape [{string.Join(", ", shape)}] holds {count} values " +
                $"but the matrix is {m.RowCount}×{m.ColumnCount}.");
        var data = new double[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                data[i * m.ColumnCount + j] = m[i, j];
        return new SafeTensor(name, dtype, (int[])shape.Clone(), data);
    }
}

/// <summary>The contents of a safetensors file: tensors by name, and the optional string metadata.</summary>
/// <param name="Tensors">The tensors, by name.</param>
/// <param name="Metadata">The <c>__metadata__</c> entries (empty when absent).</param>
public sealed record SafeTensorsFile(IReadOnlyDictionary<string, SafeTensor> Tensors,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (Hugging Face), which PyTorch models are commonly saved in: an 8-byte little-endian
/// header length N, N bytes of JSON — name → {"dtype", "shape", "data_offsets": [begin, end]} plus an optional
/// "__metadata__" of strings — padded with spaces to a multiple of 8, then the raw little-endian row-major data
/// (offsets are relative to the start of the data). No code is executed on load, unlike pickle.
/// </summary>
/// <remarks>
/// Module state dicts are saved under their PyTorch names and shapes (<see cref="NamedParameter.Shape"/>: [d] for a
/// bias), so a file saved by <c>safetensors.torch.save_file(model.state_dict())</c> loads into the matching module here
/// and the other way round. F64 round trips are bit-exact. A malformed file (truncated, a header value of the wrong
/// JSON type, sizes that do not add up; sizes are computed exactly, never overflowed) gives an
/// <see cref="InvalidDataException"/> naming the file, the tensor and the sizes; a shape that does not fit the module
/// gives an <see cref="ArgumentException"/> naming the tensor and both shapes.
/// </remarks>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";

    // ---- whole files -------------------------------------------------------------------------

    /// <summary>Writes tensors (and optional metadata) to a file: tensors in sorted name order, metadata in
    /// the given order.</summary>
    public static void Write(string path, IEnumerable<SafeTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        File.WriteAllBytes(path, Serialize(tensors, metadata));

    /// <summary>Reads a whole file.</summary>
    public static SafeTensorsFile Read(string path) => Deserialize(File.ReadAllBytes(path), Path.GetFileName(path));

    /// <summary>The bytes of a safetensors file holding these tensors.</summary>
    public static byte[] Serialize(IEnumerable<SafeTensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list)
        {
            if (t.Name == MetadataKey || !seen.Add(t.Name))
                throw new ArgumentException($"SafeTensors: the name '{t.Name}' is used twice or is reserved.");
            if (t.Shape.Any(d => d < 0))
                throw new ArgumentException(
                    $"SafeTensors: tensor '{t.Name}' has shape {t.ShapeText}, with a negative size.");
            var count = ElementCount(t.Shape);
            if (count != t.Data.Length)
                throw new ArgumentException(
                    $"SafeTensors: tensor '{t.Name}' has shape {t.ShapeText} ({count} values) " +
                    $"but {t.Data.Length} values.");
        }

        using var header = new MemoryStream();
        long offset = 0;
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) json.WriteString(k, v); // in the given order
                json.WriteEndObject();
            }
            foreach (var t in list)
            {
                long bytes = (long)t.Data.Length * Size(t.DType);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.ToString());
                json.WriteStartArray("shape");
                foreach (var s in t.Shape) json.WriteNumberValue(s);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int headerLength = (int)header.Length;
        int padded = (headerLength + 7) / 8 * 8;
        var result = new byte[8 + padded + offset];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)padded);
        header.GetBuffer().AsSpan(0, headerLength).CopyTo(result.AsSpan(8));
        result.AsSpan(8 + headerLength, padded - headerLength).Fill((byte)' ');
        int pos = 8 + padded;
        foreach (var t in list)
        {
            foreach (var x in t.Data)
            {
                if (t.DType == SafeTensorsDType.F64)
                {
                    BinaryPrimitives.WriteDoubleLittleEndian(result.AsSpan(pos), x);
                    pos += 8;
                }
                else
                {
                    BinaryPrimitives.WriteSingleLittleEndian(result.AsSpan(pos), (float)x);
                    pos += 4;
                }
            }
        }
        return result;
    }

    /// <summary>Parses the bytes of a safetensors file; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsFile Deserialize(byte[] bytes, string source = "safetensors data")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 8)
            throw new InvalidDataException($"{source}: {bytes.Length} bytes is too short for the 8-byte header " +
                $"length; the file is truncated.");
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)(bytes.Length - 8))
            throw new InvalidDataException($"{source}: the header length is {n} bytes but " +
                $"only {bytes.Length - 8} bytes follow; the file is truncated or not safetensors.");
        int headerLength = (int)n;
        long dataStart = 8 + headerLength;
        long dataLength = bytes.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the {headerLength}-byte header is not valid JSON ({e.Message}).",
                e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{source}: the header is not a JSON object.");
            var tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in doc.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object)
                        throw new InvalidDataException(
                            $"{source}: \"{MetadataKey}\" is {Json(entry.Value)}; expected an object of strings.");
                    foreach (var m in entry.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                            : m.Value.GetRawText();
                    continue;
                }
                tensors[entry.Name] = ReadTensor(source, entry.Name, entry.Value, bytes, dataStart, dataLength);
            }
            return new SafeTensorsFile(tensors, metadata);
        }
    }

    private static SafeTensor ReadTensor(string source, string name, JsonElement e, byte[] bytes, long dataStart,
        long dataLength)
    {
        string where = $"{source}: tensor '{name}'";
        if (e.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException(
                $"{where} is {Json(e)}; expected an object with \"dtype\", \"shape\" and \"data_offsets\".");
        if (!e.TryGetProperty("dtype", out var dt) || !e.TryGetProperty("shape", out var sh)
            || !e.TryGetProperty("data_offsets", out var off))
            throw new InvalidDataException($"{where} needs \"dtype\", \"shape\" and \"data_offsets\".");
        if (dt.ValueKind != JsonValueKind.String)
            throw new InvalidDataException($"{where} has \"dtype\" {Json(dt)}; expected a string such as \"F64\".");
        var dtype = dt.GetString() switch
        {
            "F64" => SafeTensorsDType.F64,
            "F32" => SafeTensorsDType.F32,
            var other => throw new InvalidDataException($"{where} has dtype {other}; only F64 and F32 are supported."),
        };
        // Dimensions and offsets are read as longs and multiplied as big integers: a huge shape is reported as it is,
        // never as an overflowed count.
        if (sh.ValueKind != JsonValueKind.Array || sh.EnumerateArray().Any(x => !IsCount(x)))
            throw new InvalidDataException(
                $"{where} has \"shape\" {Json(sh)}; expected an array of non-negative integers.");
        var dims = sh.EnumerateArray().Select(x => x.GetInt64()).ToArray();
        if (off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2
            || off.EnumerateArray().Any(x => !IsCount(x)))
            throw new InvalidDataException(
                $"{where} has \"data_offsets\" {Json(off)}; expected two non-negative integers [begin, end].");
        long begin = off[0].GetInt64(), end = off[1].GetInt64();
        string shapeText = "[" + string.Join(", ", dims) + "]";
        if (end < begin)
            throw new InvalidDataException($"{where} has data_offsets [{begin}, {end}], which end before they begin.");
        var count = ElementCount(dims);
        int size = Size(dtype);
        var need = count * size;
        if (end - begin != need)
            throw new InvalidDataException(
                $"{where} has shape {shapeText} {dtype} ({count} values, {need} bytes) " +
                $"but data_offsets [{begin}, {end}] span {end - begin} bytes.");
        if (end > dataLength)
            throw new InvalidDataException(
                $"{where} (shape {shapeText} {dtype}) needs data bytes [{begin}, {end}) but the file has only " +
                $"{dataLength}; the file is truncated.");
        int big = Array.FindIndex(dims, d => d > int.MaxValue);
        if (big >= 0)
            throw new InvalidDataException(
                $"{where} has shape {shapeText}: dimension {big} ({dims[big]}) is larger than this library supports " +
                $"({int.MaxValue}).");
        var shape = dims.Select(d => (int)d).ToArray();
        var data = new double[(long)count];
        var span = bytes.AsSpan((int)(dataStart + begin), (int)(end - begin));
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = dtype == SafeTensorsDType.F64
                ? BinaryPrimitives.ReadDoubleLittleEndian(span.Slice(i * 8))
                : BinaryPrimitives.ReadSingleLittleEndian(span.Slice(i * 4));
        }
        return new SafeTensor(name, dtype, shape, data);
    }

    /// <summary>Whether a JSON value is a whole number from 0 to <see cref="long.MaxValue"/>.</summary>
    private static bool IsCount(JsonElement x) =>
        x.ValueKind == JsonValueKind.Number && x.TryGetInt64(out long v) && v >= 0;

    /// <summary>A JSON value for a message, shortened when long.</summary>
    private static string Json(JsonElement e)
    {
        string raw = e.GetRawText();
        return raw.Length <= 60 ? raw : raw[..57] + "...";
    }

    /// <summary>The number of elements of a shape (1 for []), exactly: no overflow whatever the sizes.</summary>
    internal static BigInteger ElementCount(IEnumerable<long> shape) =>
        shape.Aggregate(BigInteger.One, (a, d) => a * d);

    /// <inheritdoc cref="ElementCount(IEnumerable{long})"/>
    internal static BigInteger ElementCount(IEnumerable<int> shape) => ElementCount(shape.Select(d => (long)d));

    private static int Size(SafeTensorsDType dtype) => dtype == SafeTensorsDType.F64 ? 8 : 4;

    // ---- modules and state dicts ---------------------------------------------------------------

    /// <summary>The module's parameters as tensors under their PyTorch names and shapes.</summary>
    public static IEnumerable<SafeTensor> FromModule(Module module, SafeTensorsDType dtype = SafeTensorsDType.F64,
        string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.NamedParameters()
            .Select(p => SafeTensor.FromMatrix(prefix + p.Name, p.Value.Data, p.Shape, dtype));
    }

    /// <summary>Saves a module's parameters (its state dict) to a safetensors file.</summary>
    public static void Save(Module module, string path, SafeTensorsDType dtype = SafeTensorsDType.F64,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, FromModule(module, dtype), metadata);

    /// <summary>
    /// Loads a safetensors file into a module's parameters by name. Each tensor's shape must equal the parameter's
    /// PyTorch shape; with <paramref name="strict"/>, a missing or unexpected name is an error too. A training
    /// checkpoint (names under <c>model.</c>) is recognised and the message says how to load it.
    /// </summary>
    public static void Load(Module module, string path, bool strict = true) =>
        LoadInto(module, Read(path).Tensors, Path.GetFileName(path), strict);

    /// <summary>
    /// Loads tensors (e.g. from <see cref="Read"/>) into a module; names may carry a <paramref name="prefix"/> that is
    /// removed. Everything is checked before anything is copied, so a failed load leaves the module as it was.
    /// </summary>
    public static void LoadInto(Module module, IReadOnlyDictionary<string, SafeTensor> tensors,
        string source = "safetensors", bool strict = true, string prefix = "") =>
        PrepareLoadInto(module, tensors, source, strict, prefix)();

    /// <summary>Checks everything <see cref="LoadInto"/> would copy; returns the action that copies it.</summary>
    private static Action PrepareLoadInto(Module module, IReadOnlyDictionary<string, SafeTensor> tensors, string source,
        bool strict, string prefix)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(prefix);
        var mine = module.NamedParameters().ToDictionary(p => p.Name, StringComparer.Ordinal);
        var given = tensors.Values.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[prefix.Length..], StringComparer.Ordinal);
        if (strict)
        {
            var missing = mine.Keys.Where(k => !given.ContainsKey(k)).ToList();
            var unexpected = given.Keys.Where(k => !mine.ContainsKey(k)).ToList();
            if (missing.Count > 0 || unexpected.Count > 0)
                throw new ArgumentException($"{source}: does not match {module.GetType().Name}: " +
                    NameMismatch.Describe(missing, unexpected, given.Keys, "the file"));
        }
        // Check every shape before changing anything, so a bad file leaves the module as it was.
        var copies = new List<(SafeTensor Tensor, Matrix<double> Target)>();
        foreach (var p in module.NamedParameters())
        {
            if (!given.TryGetValue(p.Name, out var t)) continue;
            if (!p.Shape.SequenceEqual(t.Shape))
                throw new ArgumentException(
                    $"{source}: tensor '{prefix}{p.Name}' has shape {t.ShapeText} but {module.GetType().Name}'s " +
                    $"parameter '{p.Name}' has shape [{string.Join(", ", p.Shape)}].");
            if (t.Data.Length != p.Value.Rows * p.Value.Cols)
                throw new ArgumentException(
                    $"{source}: tensor '{prefix}{p.Name}' has shape {t.ShapeText} but {t.Data.Length} values.");
            copies.Add((t, p.Value.Data));
        }
        return () =>
        {
            foreach (var (t, target) in copies)
            {
                int cols = target.ColumnCount;
                for (int i = 0; i < target.RowCount; i++)
                    for (int j = 0; j < cols; j++)
                        target[i, j] = t.Data[i * cols + j];
            }
        };
    }

    /// <summary>Reads every tensor of a file as a matrix (see <see cref="SafeTensor.ToMatrix"/>), e.g.
    /// for <see cref="Module.LoadStateDict"/>.</summary>
    public static Dictionary<string, Matrix<double>> LoadStateDict(string path) =>
        Read(path).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value.ToMatrix(), StringComparer.Ordinal);

    // ---- training checkpoints ------------------------------------------------------------------

    /// <summary>The metadata value that marks a file written by <see cref="SaveCheckpoint"/>.</summary>
    internal const string CheckpointFormat = "TransformerCourse checkpoint";

    /// <summary>
    /// Saves a training checkpoint in one F64 file: the model's parameters as
    /// <c>model.&lt;name&gt;</c>, the optimiser's
    /// state (step, learning rate, per-parameter step counts and buffers) as <c>optimizer.&lt;key&gt;</c>, and in the
    /// metadata the step and the optimiser's type. Loading it with <see cref="LoadCheckpoint"/>
    /// resumes training exactly.
    /// </summary>
    public static void SaveCheckpoint(string path, Module model, Optimizer? optimizer, long step,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = FromModule(model, SafeTensorsDType.F64, "model.").ToList();
        if (optimizer is not null)
            tensors.AddRange(optimizer.StateDict()
                .Select(kv => SafeTensor.FromMatrix("optimizer." + kv.Key, kv.Value)));
        var meta = metadata?.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
        meta["step"] = step.ToString(CultureInfo.InvariantCulture);
        meta["format"] = CheckpointFormat;
        if (optimizer is not null) meta["optimizer"] = optimizer.GetType().Name;
        Write(path, tensors, meta);
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="SaveCheckpoint"/> into the model (and optimiser); returns the step.
    /// The whole file is checked against the model and the optimiser before anything is changed: a file that does not
    /// fit (another optimiser, other shapes, a plain weights file) leaves both exactly as they were. A checkpoint saved
    /// before per-parameter step counts loads too (every parameter gets the optimiser's step).
    /// </summary>
    public static long LoadCheckpoint(string path, Module model, Optimizer? optimizer)
    {
        var (apply, step) = PrepareCheckpoint(Read(path), Path.GetFileName(path), model, optimizer);
        apply();
        return step;
    }

    /// <summary>
    /// Checks a checkpoint against the model and the optimiser; returns the action that loads it (which cannot fail)
    /// and the step it was saved at.
    /// </summary>
    internal static (Action Apply, long Step) PrepareCheckpoint(SafeTensorsFile file, string source, Module model,
        Optimizer? optimizer)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(model);
        const string modelPrefix = "model.", optimizerPrefix = "optimizer.";
        if (!file.Tensors.Keys.Any(k => k.StartsWith(modelPrefix, StringComparison.Ordinal)))
        {
            var names = model.NamedParameters().Select(p => p.Name).ToList();
            bool plain = names.Count > 0 && names.All(file.Tensors.ContainsKey);
            throw new InvalidDataException(
                $"{source}: not a training checkpoint: none of its {file.Tensors.Count} tensors is under 'model.', " +
                "where a checkpoint keeps the model's parameters" +
                (plain
                    ? $". It holds plain weights of {model.GetType().Name} (names without the 'model.' prefix): " +
                      "load them with SafeTensors.Load(model, path), which restores no optimiser state."
                    : "."));
        }
        if (!(file.Metadata.TryGetValue("step", out var s)
              && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long step) && step >= 0))
            throw new InvalidDataException($"{source}: the checkpoint's metadata has no step (a whole number ≥ 0).");

        Action? loadOptimizer = null;
        if (optimizer is not null)
        {
            string mine = optimizer.GetType().Name;
            if (file.Metadata.TryGetValue("optimizer", out var saved) && saved != mine)
                throw new ArgumentException(
                    $"{source}: the checkpoint holds the state of {saved}, not of {mine}; " +
                    $"load it with a {saved} (or load only the model's weights, with optimizer: null).");
            var state = file.Tensors.Values.Where(t => t.Name.StartsWith(optimizerPrefix, StringComparison.Ordinal))
                .ToDictionary(t => t.Name[optimizerPrefix.Length..], t => t.ToMatrix(), StringComparer.Ordinal);
            if (state.Count == 0) throw new InvalidDataException($"{source}: the checkpoint holds no optimizer state.");
            try
            {
                loadOptimizer = optimizer.PrepareLoadStateDict(state);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException(
                    $"{source}: the checkpoint's optimizer state does not fit {mine}: {e.Message}", e);
            }
        }
        var modelTensors = file.Tensors.Where(kv => kv.Key.StartsWith(modelPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var loadModel = PrepareLoadInto(model, modelTensors, source, strict: true, prefix: modelPrefix);
        return (() =>
        {
            loadModel();
            loadOptimizer?.Invoke();
        }, step);
    }
}
