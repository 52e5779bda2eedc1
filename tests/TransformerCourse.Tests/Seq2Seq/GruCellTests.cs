using TransformerCourse.Autograd;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

public class GruCellTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheReadableAndTheFusedPathGiveTheSameStateAndGradients(bool someRowsFinished)
    {
        BothPaths.AssertSame($"GruCell keep={someRowsFinished}", () =>
        {
            var rng = new Rng(71);
            var cell = new GruCell(3, 4, rng);
            var x = Tensor.Randn(3, 3, rng, requiresGrad: true);
            var h = Tensor.Randn(3, 4, rng, requiresGrad: true);
            var gates = cell.InputGates(x);
            var next = cell.Step(gates, h, someRowsFinished ? [true, false, true] : null);
            return (cell.Forward(x, next), cell, [x, h]); // two steps, the second from the first
        }, ["MatMul", "Sigmoid", "Tanh", "Mul"], ["GruCell"]);
    }
}
