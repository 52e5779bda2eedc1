using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The encoder-only BERT model: parameter count by formula, attention masks, pooler, padding and gradients
/// (all-MiniLM-L6-v2 against ONNX Runtime is in TransformerCourse.Pretrained.Tests).</summary>
public class BertModelTests
{
    private static readonly TransformerConfig Tiny = new()
    {
        DModel = 8, Heads = 2, DFF = 12, EncoderLayers = 2, Dropout = 0, MaxLength = 6, LayerNormEps = 1e-12,
        Activation = Activation.Gelu, Positional = PositionalEncodingKind.Learned,
    };

    [Fact]
    public void CountsParametersByFormula()
    {
        // Embeddings (11 + 6 + 2)·8 + 2·8 = 168; a layer 4·64 + 4·8 + 2·8·12 + 12 + 8 + 4·8 = 532; pooler 64 + 8.
        Assert.Equal(168 + 2 * 532 + 72, BertModel.CountParameters(11, 2, Tiny));
        Assert.Equal(BertModel.CountParameters(11, 2, Tiny), new BertModel(11, 2, Tiny, new Rng(1)).ParameterCount);
    }

    [Fact]
    public void ReadsRightPaddedAttentionMasks()
    {
        var batch = BertModel.BatchFromAttentionMask([1, 1, 1, 1, 1, 0, 0, 0], 2);
        Assert.Equal((2, 4), (batch.Batch, batch.Time));
        Assert.Equal([4, 1], batch.Lengths!);
        Expect.ThrowsArgument(() => BertModel.BatchFromAttentionMask([1, 0, 1, 1], 1), "row 0", "position 2",
            "right padding");
        Expect.ThrowsArgument(() => BertModel.BatchFromAttentionMask([1, 2], 1), "flag 2");
        Expect.ThrowsArgument(() => BertModel.BatchFromAttentionMask([1, 1, 1], 2), "3 flags", "2 rows");
    }

    [Fact]
    public void IsTheEmbeddingsThenPostLnGeluLayersAndTheTanhPooler()
    {
        var model = new BertModel(11, 2, Tiny, new Rng(2));
        var ids = new[] { 2, 5, 7, 3, 2, 9, 3, 0 };
        var batch = new SequenceBatch(2, 4, [4, 3]);
        var hidden = model.Forward(ids, batch);
        var expected = model.Embeddings.Forward(ids, null, batch);
        foreach (var layer in model.Encoder.Layers)
        {
            Assert.Equal(NormPlacement.PostLN, layer.Placement);
            Assert.Equal(Activation.Gelu, layer.FeedForward.Activation);
            expected = layer.Forward(expected, batch);
        }
        Expect.Close(expected.Data, hidden.Data, 0);
        Assert.Null(model.Encoder.Norm);
        // Pooler: tanh(W h_first + b), by hand for sequence 1 (row 4).
        var w = model.Pooler.Weight.Data;
        var b = model.Pooler.Bias!.Data;
        var pooled = model.Pool(hidden, batch).Data;
        for (int o = 0; o < 8; o++)
        {
            double z = b[0, o];
            for (int i = 0; i < 8; i++) z += w[o, i] * hidden.Data[4, i];
            Assert.Equal(Math.Tanh(z), pooled[1, o], 1e-14);
        }
    }

    [Fact]
    public void PaddingChangesNoRealToken()
    {
        var model = new BertModel(11, 2, Tiny, new Rng(4));
        var alone = model.Forward([2, 5, 3], SequenceBatch.Single(3)).Data;
        var padded = model.Forward([2, 5, 3, 0, 0, 2, 6, 7, 8, 3], new SequenceBatch(2, 5, [3, 5])).Data;
        Expect.Close(alone, padded.SubMatrix(0, 3, 0, 8), 1e-13);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var model = new BertModel(11, 2, Tiny with { EncoderLayers = 1 }, new Rng(6));
        var batch = new SequenceBatch(2, 3, [3, 2]);
        var weights = Tensor.Constant(Init.Normal(2, 8, 0, 1, new Rng(7)).Data);
        int[] ids = [2, 5, 3, 2, 4, 0];
        var picked = model.NamedParameters().Where(p => p.Name is "embeddings.token_type_embeddings.weight"
            or "encoder.layers.0.linear1.weight" or "pooler.dense.bias" or "embeddings.LayerNorm.weight")
            .Select(p => p.Value).ToArray();
        Expect.Gradients(() =>
        {
            var h = model.Forward(ids, batch, [0, 0, 1, 0, 1, 1]);
            return SentenceEmbedding.Of(h, batch).Add(model.Pool(h, batch)).Mul(weights).Sum();
        }, picked);
    }
}
