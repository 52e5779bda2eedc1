using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

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

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void MatchesPyTorch()
    {
        var f = TorchFixture.Load("gru_cell");
        var cell = new GruCell(5, 7, new Rng(0));
        cell.LoadStateDict(f.Parameters());
        var x = Tensor.Parameter(f.Matrix("input.x"), "x");
        var h = Tensor.Parameter(f.Matrix("input.h"), "h");
        var y = cell.Forward(x, h);
        Expect.Close(f.Matrix("output.h"), y.Data, Tol, "h'");
        y.Mul(Tensor.Constant(f.Matrix("input.upstream"))).Sum().Backward();
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
        Expect.Close(f.Matrix("grad_input.h"), h.Grad!, Tol, "∂h");
        foreach (var p in cell.NamedParameters())
            Expect.Close(f.Matrix("grad." + p.Name), p.Value.Grad!, Tol, "∂" + p.Name);
    }

    [Fact]
    public void TheFusedStepIsTheSimdProjectionsAndOneGateNode()
    {
        var rng = new Rng(72);
        var cell = new GruCell(3, 4, rng);
        var x = Tensor.Randn(2, 3, rng);
        var profile = new OpProfile(recordSequence: true);
        Tensor.Profile = profile;
        try
        {
            cell.Forward(x, Tensor.Zeros(2, 4, requiresGrad: true));
        }
        finally
        {
            Tensor.Profile = null;
        }
        Assert.Equal(["GruInput", "GruHidden", "GruCell"], profile.Sequence);
    }
}
