using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The encoder-only classifier: shapes, pooling and gradients.</summary>
public class EncoderClassifierTests
{
    private static readonly TransformerConfig Small =
        new() { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 16 };

    [Theory]
    [InlineData(Pooling.FirstToken)]
    [InlineData(Pooling.Mean)]
    public void EncoderClassifierShapesPoolingAndGradients(Pooling pooling)
    {
        var model = new EncoderClassifier(12, 3, Small with { NormFirst = true }, new Rng(5), pooling);
        var ids = new[] { 1, 5, 6, 7, 1, 8, 0, 0 };
        var batch = new SequenceBatch(2, 4, [4, 2]);
        var logits = model.Forward(ids, batch);
        Assert.Equal((2, 3), (logits.Rows, logits.Cols));
        Assert.Equal(2, model.Encoder.AttentionWeights.Count);
        Assert.Contains("encoder.norm.weight", model.NamedParameters().Select(p => p.Name));
        Assert.Contains("classifier.weight", model.NamedParameters().Select(p => p.Name));
        // Padding tokens do not change the prediction.
        var other = model.Forward([1, 5, 6, 7, 1, 8, 3, 9], batch);
        Expect.Close(logits.Data, other.Data, 1e-14, "padding ignored");
        var table = model.Embedding.Weight;
        Expect.Gradients(() => model.Forward(ids, batch).CrossEntropy([0, 2]), table, model.Classifier.Weight);
    }

    [Fact]
    public void DropoutActsOnlyInTrainingAndIsReproducible()
    {
        var config = Small with { Dropout = 0.3 };
        var x = Tensor.Randn(2 * 4, 8, new Rng(7));
        var batch = new SequenceBatch(2, 4, [4, 3]);
        var a = new EncoderLayer(config, new Rng(8));
        var b = new EncoderLayer(config, new Rng(8));
        var first = a.Forward(x, batch).Data;
        Expect.Close(first, b.Forward(x, batch).Data, 0, "same seed, same dropout masks");
        Assert.True((first - a.Forward(x, batch).Data).FrobeniusNorm() > 1e-6, "a new mask each call");
        var noDropout = new EncoderLayer(config with { Dropout = 0 }, new Rng(9));
        noDropout.LoadStateDict(a.StateDict());
        a.Eval();
        Expect.Close(noDropout.Forward(x, batch).Data, a.Forward(x, batch).Data, 1e-15, "evaluation mode = no dropout");
    }
}
