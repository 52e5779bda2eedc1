using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

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
}
