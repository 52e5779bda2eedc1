using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

public class EncoderLayerTests
{
    [Theory]
    [InlineData(false, Activation.Relu, 0.0)]
    [InlineData(true, Activation.Gelu, 0.0)]
    [InlineData(false, Activation.Relu, 0.2)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(
        bool normFirst, Activation activation, double dropout)
    {
        BothPaths.AssertSame($"EncoderLayer normFirst={normFirst} {activation} dropout={dropout}", () =>
        {
            var rng = new Rng(41);
            var layer = new EncoderLayer(8, 2, 16, rng, dropout, activation, normFirst);
            var x = Tensor.Randn(2 * 5, 8, rng, requiresGrad: true);
            return (layer.Forward(x, new SequenceBatch(2, 5, [5, 3])), layer, [x]);
        }, "MatMul", "Softmax", "ConcatCols", activation.ToString(), "Sqrt");
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("encoder_layer_post_relu")]
    [InlineData("encoder_layer_post_gelu")]
    [InlineData("encoder_layer_pre_relu")]
    [InlineData("encoder_layer_pre_gelu")]
    [InlineData("encoder_layer_pre_gelu_causal")]
    public void MatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var layer = new EncoderLayer(LayerConfig(f), new Rng(1));
        LoadParams(layer, f);
        var x = Input(f, "src");
        bool causal = f.Has("input.src_mask");
        var lengths = ConfigLengths(f, "lengths");
        Assert.Equal(lengths, LengthsFromFlags(Flags(f, "src_key_padding_mask")));
        if (causal) Assert.Equal(Masks.Causal(Time(f, "src")), Masks.FromFlags(Flags(f, "src_mask")));

        var y = layer.Forward(x, new SequenceBatch(Batch(f, "src"), Time(f, "src"), lengths), causal);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.src"), x.Grad!, Tol, "grad src");
        AssertParamGrads(layer, f);
        Assert.NotNull(layer.SelfAttentionWeights);
    }
}
