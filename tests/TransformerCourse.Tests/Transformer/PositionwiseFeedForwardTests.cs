using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

public class PositionwiseFeedForwardTests
{
    [Theory]
    [InlineData(Activation.Relu, 0.0)]
    [InlineData(Activation.Gelu, 0.0)]
    [InlineData(Activation.Relu, 0.25)]
    [InlineData(Activation.Gelu, 0.25)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(Activation activation, double dropout)
    {
        BothPaths.AssertSame($"FFN {activation} dropout={dropout}", () =>
        {
            var rng = new Rng(31);
            var ffn = new PositionwiseFeedForward(6, 10, rng, activation, dropout);
            var x = Tensor.Randn(8, 6, rng, requiresGrad: true);
            return (ffn.Forward(x), ffn, [x]);
        }, ["MatMul", "Add", activation.ToString()], ["PositionwiseFeedForward.linear1"]);
    }

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
        Assert.Equal(new[] { "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias" },
            ffn.NamedParameters().Select(p => p.Name));
        Expect.ThrowsArgument(() => ffn.Forward(Tensor.Zeros(2, 5)), "PositionwiseFeedForward", "2×5", "d_model is 4");
    }
}
