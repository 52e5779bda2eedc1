using TransformerCourse.Autograd;
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
        });
    }
}
