using TransformerCourse.Pretrained;
using TransformerCourse.Text;
using TransformerCourse.Transformer;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>The file, the loaded model, the tokenizer and the ONNX Runtime session, made once for all tests (the
/// file is 90.9 MB; reading and converting it takes a few seconds).</summary>
public static class MiniLmFixture
{
    private static readonly Lazy<OnnxWeights> LazyOnnx = new(MiniLm.ReadOnnx);
    private static readonly Lazy<BertModel> LazyModel = new(() => MiniLm.Load(OnnxFile));
    private static readonly Lazy<WordPiece> LazyTokenizer = new(() => new WordPiece(MiniLmResources.Vocabulary()));
    private static readonly Lazy<OnnxReference> LazyReference = new(() => new OnnxReference(threads: 1));

    public static OnnxWeights OnnxFile => LazyOnnx.Value;

    public static BertModel Model => LazyModel.Value;

    public static WordPiece Tokenizer => LazyTokenizer.Value;

    public static OnnxReference Reference => LazyReference.Value;
}
