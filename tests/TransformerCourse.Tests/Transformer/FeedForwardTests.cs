using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The position-wise feed-forward layer: Linear, activation, Linear.</summary>
public class FeedForwardTests
{
    [Theory]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Gelu)]
    public void FeedForwardIsLinearActLinearAndPassesGradientCheck(Activation activation)
    {
        var rng = new Rng(70);
        var ffn = new PositionwiseFeedForward(4, 6, rng, activation);
        var x = Gen.Param(5, 4, rng, "x");
        var h = ffn.Linear1.Forward(x);
        var expected = ffn.Linear2.Forward(activation == Activation.Relu ? h.Relu() : h.Gelu());
        Expect.Close(expected.Data, ffn.Forward(x).Data, 1e-14, "FFN(x)");
        Expect.Gradients(() => ffn.Forward(x), ffn.Parameters().Append(x).ToArray());
        Assert.Equal(new[] { "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias" }, ffn.NamedParameters().Select(p => p.Name));
        Expect.ThrowsArgument(() => ffn.Forward(Tensor.Zeros(2, 5)), "PositionwiseFeedForward", "2×5", "d_model is 4");
    }
}
