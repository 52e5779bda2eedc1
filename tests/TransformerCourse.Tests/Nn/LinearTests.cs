using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Nn;

public class LinearTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(bool bias)
    {
        BothPaths.AssertSame($"Linear bias={bias}", () =>
        {
            var rng = new Rng(21);
            var linear = new Linear(5, 3, rng, bias);
            var x = Tensor.Randn(7, 5, rng, requiresGrad: true);
            return (linear.Forward(x), linear, [x]);
        }, bias ? ["MatMul", "Add"] : ["MatMul"], ["Linear"]);
    }

    [Fact]
    public void TheReadablePathIsXTimesWTransposedPlusB()
    {
        var rng = new Rng(22);
        var linear = new Linear(4, 2, rng);
        var x = Tensor.Randn(3, 4, rng);
        using (KernelSwitch.Use(fused: false))
        {
            var y = linear.Forward(x);
            Expect.Close(x.Data * linear.Weight.Data.Transpose() + Ones(3) * linear.Bias!.Data, y.Data, 1e-15, "y");
        }
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Ones(int rows) =>
        MathNet.Numerics.LinearAlgebra.Double.DenseMatrix.Create(rows, 1, 1.0);

    [Fact]
    public void LinearGradients()
    {
        var rng = new Rng(220);
        foreach (var (n, inF, outF) in new[] { (1, 1, 1), (1, 5, 3), (4, 1, 2), (3, 4, 1), (5, 6, 4) })
        {
            var lin = new Linear(inF, outF, rng);
            var x = Gen.Param(n, inF, rng, "x");
            Expect.Gradients(() => lin.Forward(x), x, lin.Weight, lin.Bias!);
            var noBias = new Linear(inF, outF, rng, bias: false);
            Assert.Null(noBias.Bias);
            Expect.Gradients(() => noBias.Forward(x), x, noBias.Weight);
        }
    }

    [Fact]
    public void LinearValuesAndInit()
    {
        var rng = new Rng(221);
        var lin = new Linear(4, 3, rng);
        Assert.Equal("3×4", lin.Weight.Shape);
        Assert.Equal("1×3", lin.Bias!.Shape);
        // PyTorch's default: U(−1/√in, 1/√in) for weight and bias.
        Assert.All(lin.Weight.Data.Enumerate().Concat(lin.Bias.Data.Enumerate()), v => Assert.InRange(v, -0.5, 0.5));

        var x = Tensor.Randn(2, 4, rng);
        var y = lin.Forward(x);
        for (int i = 0; i < 2; i++)
        {
            for (int o = 0; o < 3; o++)
            {
                double s = lin.Bias.Data[0, o];
                for (int k = 0; k < 4; k++) s += x.Data[i, k] * lin.Weight.Data[o, k];
                Expect.Close(s, y.Data[i, o], 1e-15);
            }
        }
        Assert.Equal(["weight", "bias"], lin.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void LinearErrors()
    {
        var lin = new Linear(5, 2, new Rng(222));
        Expect.ThrowsArgument(() => lin.Forward(Tensor.Zeros(4, 3)), "Linear", "input is 4×3",
            "5 features", "weight is 2×5");
        Expect.ThrowsArgument(() => new Linear(0, 2, new Rng(1)), "Linear");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void MatchesPyTorch()
    {
        var f = TorchFixture.Load("linear");
        var lin = new Linear(f.ConfigInt("in_features"), f.ConfigInt("out_features"), new Rng(1));
        lin.LoadStateDict(f.Parameters()); // "weight" [4, 5] and "bias" [4], by PyTorch's names
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = lin.Forward(x);
        Expect.Close(f.Matrix("output.y"), y.Data, OpTol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
        Expect.Close(f.Matrix("grad.weight"), lin.Weight.Grad!, OpTol, "∂W");
        Expect.Close(f.Matrix("grad.bias"), lin.Bias!.Grad!, OpTol, "∂b");
    }
}
