using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Tests.Fixtures;

/// <summary>
/// One PyTorch fixture from <c>tests/fixtures/torch/NAME.json</c> (made by <c>scripts/make_fixtures.py</c>):
/// <c>{"name", "config": {...}, "tensors": {"key": {"shape": [...], "data": [row-major values]}}}</c>.
/// Keys follow "param.&lt;name&gt;", "grad.&lt;name&gt;", "input.&lt;name&gt;",
/// "output.&lt;name&gt;", "grad_input.&lt;name&gt;".
/// </summary>
/// <remarks>
/// <see cref="Matrix"/> turns a shape into the course's 2-D layout: [] → 1×1, [d] → 1×d, [r, c] → r×c,
/// and [b, t, …, d] → (b·t·…)×d (row b·T + t, as everywhere in the library).
/// <see cref="Shape"/> and <see cref="Data"/> give the raw shape and row-major values.
/// Python's bare <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c> literals are accepted.
/// </remarks>
public sealed class TorchFixture
{
    private readonly Dictionary<string, (int[] Shape, double[] Data)> _tensors;

    private TorchFixture(string name, JsonElement config, Dictionary<string, (int[] Shape, double[] Data)> tensors)
    {
        Name = name;
        Config = config;
        _tensors = tensors;
    }

    /// <summary>The folder the fixtures are copied to next to the test assembly.</summary>
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "fixtures", "torch");

    /// <summary>The fixture's name.</summary>
    public string Name { get; }

    /// <summary>The "config" object (an empty object when absent).</summary>
    public JsonElement Config { get; }

    /// <summary>Every tensor key.</summary>
    public IReadOnlyCollection<string> Keys => _tensors.Keys;

    /// <summary>Loads <c>fixtures/torch/{name}.json</c> ("softmax" or "softmax.json").</summary>
    public static TorchFixture Load(string name)
    {
        string file = name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json";
        string path = Path.Combine(Directory, file);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"TorchFixture: no fixture '{file}' in {Directory} (run scripts/make_fixtures.py).", path);
        return Parse(File.ReadAllText(path), Path.GetFileNameWithoutExtension(file));
    }

    /// <summary>Parses fixture JSON text.</summary>
    public static TorchFixture Parse(string json, string fallbackName = "fixture")
    {
        using var doc = JsonDocument.Parse(QuoteNonFiniteLiterals(json));
        var root = doc.RootElement;
        string name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
            ? n.GetString()! : fallbackName;
        var config = root.TryGetProperty("config", out var c) ? c.Clone()
            : JsonDocument.Parse("{}").RootElement.Clone();
        var tensors = new Dictionary<string, (int[], double[])>(StringComparer.Ordinal);
        if (root.TryGetProperty("tensors", out var t))
        {
            foreach (var entry in t.EnumerateObject())
            {
                var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
                var data = entry.Value.GetProperty("data").EnumerateArray().Select(ReadNumber).ToArray();
                int expected = shape.Aggregate(1, (a, b) => a * b);
                if (data.Length != expected)
                    throw new InvalidDataException(
                        $"TorchFixture {name}: '{entry.Name}' has shape [{string.Join(", ", shape)}] but " +
                        $"{data.Length} values.");
                tensors[entry.Name] = (shape, data);
            }
        }
        return new TorchFixture(name, config, tensors);
    }

    /// <summary>Whether the fixture holds <paramref name="key"/>.</summary>
    public bool Has(string key) => _tensors.ContainsKey(key);

    /// <summary>The PyTorch shape of a tensor ([] for a scalar).</summary>
    public int[] Shape(string key) => Get(key).Shape.ToArray();

    /// <summary>The values of a tensor in row-major order (a copy).</summary>
    public double[] Data(string key) => Get(key).Data.ToArray();

    /// <summary>A tensor as a matrix: [] → 1×1, [d] → 1×d, [r, c] → r×c, [b, t, …, d] → (b·t·…)×d.</summary>
    public Matrix<double> Matrix(string key)
    {
        var (shape, data) = Get(key);
        int cols = shape.Length == 0 ? 1 : shape[^1];
        int rows = cols == 0 ? 0 : data.Length / cols;
        var m = new DenseMatrix(rows, cols);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = data[i * cols + j];
        return m;
    }

    /// <summary>All values of a tensor, row-major, as a vector.</summary>
    public Vector<double> Vector(string key) => DenseVector.OfArray(Data(key));

    /// <summary>The values of an integer (or boolean) tensor, row-major.</summary>
    public int[] Ints(string key) =>
        Get(key).Data.Select(v => v == Math.Floor(v) && Math.Abs(v) <= int.MaxValue
            ? (int)v
            : throw new InvalidDataException($"TorchFixture {Name}: '{key}' holds {v}, not an integer.")).ToArray();

    /// <summary>The value of a one-element tensor.</summary>
    public double Scalar(string key)
    {
        var data = Get(key).Data;
        if (data.Length != 1) throw new InvalidDataException(
            $"TorchFixture {Name}: '{key}' has {data.Length} values, not 1.");
        return data[0];
    }

    /// <summary>
    /// Every "param.&lt;name&gt;" tensor as a matrix under its PyTorch name (prefix removed), ready for
    /// <c>Module.LoadStateDict</c>. Keys with a further suffix (e.g.
    /// "param.weight.after_step1") are included as they are.
    /// </summary>
    public Dictionary<string, Matrix<double>> Parameters(string prefix = "param.") =>
        _tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(k => k[prefix.Length..], Matrix, StringComparer.Ordinal);

    /// <summary>A number from <see cref="Config"/>.</summary>
    public double ConfigDouble(string key) => ConfigValue(key).GetDouble();

    /// <summary>An integer from <see cref="Config"/>.</summary>
    public int ConfigInt(string key) => ConfigValue(key).GetInt32();

    /// <summary>A string from <see cref="Config"/>.</summary>
    public string ConfigString(string key) => ConfigValue(key).GetString() ?? "";

    /// <summary>A boolean from <see cref="Config"/>.</summary>
    public bool ConfigBool(string key) => ConfigValue(key).GetBoolean();

    private JsonElement ConfigValue(string key) =>
        Config.ValueKind == JsonValueKind.Object && Config.TryGetProperty(key, out var v)
            ? v
            : throw new KeyNotFoundException($"TorchFixture {Name}: config has no '{key}'.");

    private (int[] Shape, double[] Data) Get(string key) =>
        _tensors.TryGetValue(key, out var t)
            ? t
            : throw new KeyNotFoundException(
                $"TorchFixture {Name}: no tensor '{key}'; it has {string.Join(", ", _tensors.Keys)}.");

    private static double ReadNumber(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.True => 1.0,
        JsonValueKind.False => 0.0,
        JsonValueKind.String => double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new InvalidDataException($"TorchFixture: unexpected value {e}."),
    };

    // Python's json writes inf and nan as bare Infinity / -Infinity / NaN, which System.Text.Json rejects:
    // quote them where they stand as array elements or values (never inside a string, which is preceded by a quote).
    private static readonly Regex NonFinite =
        new(@"(?<=[\[,:]\s*)(-?Infinity|NaN)(?=\s*[\],}])", RegexOptions.CultureInvariant);

    private static string QuoteNonFiniteLiterals(string json) => NonFinite.Replace(json, "\"$1\"");
}
