using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The decoder-only language model: causal and differentiable.</summary>
public class DecoderOnlyLMTests
{
    private static readonly TransformerConfig Small =
        new() { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 16 };

    [Theory]
    [InlineData(PositionalEncodingKind.Sinusoidal)]
    [InlineData(PositionalEncodingKind.Learned)]
    [InlineData(PositionalEncodingKind.Rotary)]
    public void DecoderOnlyLMIsCausalAndDifferentiable(PositionalEncodingKind positional)
    {
        var model = new DecoderOnlyLM(10, Small with { NormFirst = true, Positional = positional }, new Rng(6));
        var batch = new SequenceBatch(2, 5, [5, 3]);
        int[] ids = [1, 4, 5, 6, 7, 1, 8, 9, 0, 0];
        var logits = model.Forward(ids, batch);
        Assert.Equal((10, 10), (logits.Rows, logits.Cols));
        var changed = model.Forward([1, 4, 5, 2, 2, 1, 8, 9, 0, 0], batch);
        Expect.Close(logits.Data.SubMatrix(0, 3, 0, 10), changed.Data.SubMatrix(0, 3, 0, 10), 0,
            "a later token cannot change earlier logits");
        Assert.True((logits.Data.Row(3) - changed.Data.Row(3)).L2Norm() > 1e-9);
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(positional == PositionalEncodingKind.Learned, names.Contains("positional_encoding.weight"));
        Assert.DoesNotContain("lm_head.weight", names);
        Expect.Gradients(() => model.Loss(ids, batch, padId: 0), model.Embedding.Weight,
            model.Transformer.Layers[0].SelfAttn.InProjWeight);
        Assert.Equal((2, 2, 5, 5),
            (model.Transformer.AttentionWeights[1]!.Batch, model.Transformer.AttentionWeights[1]!.Heads,
            model.Transformer.AttentionWeights[1]!.QueryLength, model.Transformer.AttentionWeights[1]!.KeyLength));
    }
}
