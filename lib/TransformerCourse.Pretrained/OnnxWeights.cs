using MathNet.Numerics.LinearAlgebra;
using Onnx;

namespace TransformerCourse.Pretrained;

/// <summary>One float initializer of an ONNX graph, with the name the model's author gave it.</summary>
/// <param name="FileName">The initializer's name in the file (exporters may generate one, e.g. "927").</param>
/// <param name="Name">The PyTorch parameter name: the file's, or the one found through the graph.</param>
/// <param name="Shape">Its dimensions in the file.</param>
/// <param name="Values">Its float32 values, row-major.</param>
/// <param name="Transposed">Whether the file stores it in×out (a MatMul operand) rather than PyTorch's
/// out×in.</param>
public sealed record OnnxWeight(string FileName, string Name, long[] Shape, float[] Values, bool Transposed)
{
    /// <summary>The values as a matrix in PyTorch's layout (out×in for a weight, 1×n for a vector).</summary>
    public Matrix<double> ToMatrix()
    {
        int rows = Shape.Length == 2 ? (int)Shape[0] : 1;
        int cols = Shape.Length == 2 ? (int)Shape[1] : (int)Shape[0];
        var m = Matrix<double>.Build.Dense(rows, cols, (r, c) => Values[r * cols + c]);
        return Transposed ? m.Transpose() : m;
    }
}

/// <summary>
/// Reads the float initializers of an ONNX model (with OnnxSharp's protobuf classes) and gives each its PyTorch
/// name. PyTorch's exporter turns a <c>Linear</c> into MatMul(x, Wᵀ) + b and stores Wᵀ under a generated number;
/// the graph tells which: the MatMul's output feeds an Add whose other operand is the bias <c>….bias</c>, so the
/// matrix is <c>….weight</c>, stored in×out.
/// </summary>
public sealed class OnnxWeights
{
    private OnnxWeights(ModelProto model, IReadOnlyList<OnnxWeight> weights, long allElements)
    {
        Model = model;
        Weights = weights;
        AllInitializerElements = allElements;
    }

    /// <summary>The parsed model.</summary>
    public ModelProto Model { get; }

    /// <summary>Every float initializer, in file order, with its PyTorch name.</summary>
    public IReadOnlyList<OnnxWeight> Weights { get; }

    /// <summary>The number of float values (the model's parameters).</summary>
    public long FloatElements => Weights.Sum(w => (long)w.Values.Length);

    /// <summary>The number of values of every initializer, float or not (int64 position ids and shape constants
    /// included).</summary>
    public long AllInitializerElements { get; }

    /// <summary>The weight with the given PyTorch name.</summary>
    public OnnxWeight this[string name] =>
        Weights.FirstOrDefault(w => w.Name == name)
        ?? throw new KeyNotFoundException($"OnnxWeights: no initializer is named or maps to '{name}'.");

    /// <summary>Parses an ONNX model from its bytes.</summary>
    public static OnnxWeights Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"OnnxWeights: {bytes.Length} bytes are not an ONNX model: {e.Message}", e);
        }
        var graph = model.Graph
            ?? throw new InvalidDataException($"OnnxWeights: the ONNX model ({bytes.Length} bytes) has no graph.");
        var byOutput = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n)))
            .ToLookup(p => p.Input, p => p.Node);
        var floats = new List<OnnxWeight>();
        long all = 0;
        foreach (var tensor in graph.Initializer)
        {
            long count = tensor.Dims.Aggregate(1L, (a, b) => a * b);
            all += count;
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float) continue;
            var values = ReadFloats(tensor, count);
            var name = tensor.Name;
            bool transposed = false;
            var matMul = byOutput[tensor.Name].FirstOrDefault(n => n.OpType == "MatMul" && n.Input[1] == tensor.Name);
            if (matMul is not null && BiasAfter(matMul, byOutput) is { } bias
                && bias.EndsWith(".bias", StringComparison.Ordinal))
            {
                name = bias[..^".bias".Length] + ".weight";
                transposed = true;
            }
            floats.Add(new OnnxWeight(tensor.Name, name, tensor.Dims.ToArray(), values, transposed));
        }
        return new OnnxWeights(model, floats, all);
    }

    /// <summary>The named operand of the Add that consumes the MatMul's output, if any.</summary>
    private static string? BiasAfter(NodeProto matMul, ILookup<string, NodeProto> consumers)
    {
        var add = consumers[matMul.Output[0]].FirstOrDefault(n => n.OpType == "Add");
        return add?.Input.FirstOrDefault(i => i != matMul.Output[0]);
    }

    private static float[] ReadFloats(TensorProto tensor, long count)
    {
        if (tensor.FloatData.Count == count) return tensor.FloatData.ToArray();
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("OnnxWeights: ONNX stores raw data little-endian; this machine " +
                "is big-endian.");
        var raw = tensor.RawData.Span;
        if (raw.Length != count * sizeof(float))
            throw new InvalidDataException($"OnnxWeights: initializer '{tensor.Name}' has {raw.Length} bytes of raw " +
                $"data for {count} floats.");
        var values = new float[count];
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
        return values;
    }
}
