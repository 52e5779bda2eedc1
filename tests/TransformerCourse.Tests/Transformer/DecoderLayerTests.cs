using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

public class DecoderLayerTests
{
    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.2)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(bool normFirst, double dropout)
    {
        BothPaths.AssertSame($"DecoderLayer normFirst={normFirst} dropout={dropout}", () =>
        {
            var rng = new Rng(51);
            var layer = new DecoderLayer(8, 2, 16, rng, dropout, Activation.Relu, normFirst);
            var x = Tensor.Randn(2 * 4, 8, rng, requiresGrad: true);
            var memory = Tensor.Randn(2 * 6, 8, rng, requiresGrad: true);
            var y = layer.Forward(x, new SequenceBatch(2, 4, [4, 2]), memory, new SequenceBatch(2, 6, [6, 5]));
            return (y, layer, [x, memory]);
        }, "MatMul", "Softmax", "ConcatCols", "Relu", "Sqrt");
    }
}
