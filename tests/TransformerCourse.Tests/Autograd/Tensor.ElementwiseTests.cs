using MathNet.Numerics;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Autograd;

public class TensorElementwiseTests
{
    [Theory]
    [InlineData("Exp")]
    [InlineData("Tanh")]
    [InlineData("Sigmoid")]
    [InlineData("Relu")]
    [InlineData("Gelu")]
    [InlineData("GeluTanh")]
    [InlineData("Square")]
    [InlineData("Pow3")]
    public void GradientsOnAnyInput(string op)
    {
        var rng = new Rng(40);
        foreach (var (r, c) in Gen.Shapes(41))
        {
            // Away from 0 so that ReLU's kink is never inside the finite-difference step.
            var x = Gen.AwayFromZero(r, c, rng, 0.05, 3.0, "x");
            Expect.Gradients(() => Apply(op, x), x);
        }
    }

    [Theory]
    [InlineData("Log")]
    [InlineData("Sqrt")]
    [InlineData("PowHalf")]
    public void GradientsOnPositiveInput(string op)
    {
        var rng = new Rng(42);
        foreach (var (r, c) in Gen.Shapes(43))
        {
            var x = Gen.Positive(r, c, rng, 0.3, 3.0, "x");
            Expect.Gradients(() => Apply(op, x), x);
        }
    }

    private static Tensor Apply(string op, Tensor x) => op switch
    {
        "Exp" => x.Exp(),
        "Log" => x.Log(),
        "Tanh" => x.Tanh(),
        "Sigmoid" => x.Sigmoid(),
        "Relu" => x.Relu(),
        "Gelu" => x.Gelu(),
        "GeluTanh" => x.Gelu(tanhApproximation: true),
        "Square" => x.Square(),
        "Sqrt" => x.Sqrt(),
        "Pow3" => x.Pow(3),
        "PowHalf" => x.Pow(0.5),
        _ => throw new ArgumentException(op),
    };

    [Fact]
    public void KnownValues()
    {
        var x = Tensor.Row(-2, -0.5, 0, 0.5, 2);
        Assert.Equal(new[] { 0, 0, 0, 0.5, 2 }, x.Relu().Data.Row(0).ToArray());
        Assert.Equal(new[] { 4, 0.25, 0, 0.25, 4 }, x.Square().Data.Row(0).ToArray());
        Expect.Close(1 / (1 + Math.Exp(2)), x.Sigmoid().Data[0, 0], 1e-16);
        Expect.Close(0.5, x.Sigmoid().Data[0, 2], 0);
        Expect.Close(Math.Tanh(0.5), x.Tanh().Data[0, 3], 0);
        Expect.Close(Math.E * Math.E, x.Exp().Data[0, 4], 1e-15);
        Expect.Close(Math.Log(2), Tensor.Row(2).Log().Item(), 0);
        Expect.Close(Math.Sqrt(2), Tensor.Row(2).Sqrt().Item(), 0);
        Expect.Close(8, Tensor.Row(2).Pow(3).Item(), 1e-15);

        // GELU(x) = x·Φ(x); Φ(1) = 0.8413447460685429 (standard normal table), so GELU(1) = 0.8413447460685429.
        Expect.Close(0.8413447460685429, Tensor.Row(1).Gelu().Item(), 1e-15);
        // Φ(−2) = 0.0227501319481792072...
        Expect.Close(-2 * 0.022750131948179207, Tensor.Row(-2).Gelu().Item(), 1e-15);
        // The tanh form at x = 1: ½(1 + tanh(√(2/π)·1.044715)).
        Expect.Close(0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * 1.044715)), Tensor.Row(1).Gelu(true).Item(), 1e-16);
        Expect.Close(0.5 * (1 + SpecialFunctions.Erf(0.5 / Math.Sqrt(2))) * 0.5, Tensor.Row(0.5).Gelu().Item(), 1e-16);
    }

    [Fact]
    public void LogOfZeroIsMinusInfinity()
    {
        Assert.Equal(double.NegativeInfinity, Tensor.Row(0).Log().Item());
    }

    [Fact]
    public void SigmoidIsStableForLargeInputs()
    {
        var y = Tensor.Row(-1000, -40, 40, 1000).Sigmoid().Data.Row(0);
        Assert.All(y, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(0.0, y[0]);
        Assert.Equal(1.0, y[3]);
        Expect.Close(Math.Exp(-40), y[1], 1e-30);
    }

    [Fact]
    public void CompositeExpression()
    {
        // A small MLP-like expression mixing many ops, checked end to end.
        var rng = new Rng(44);
        var x = Gen.Param(3, 4, rng, "x");
        var w = Gen.Param(4, 4, rng, "w");
        Expect.Gradients(() => x.MatMul(w).Gelu().Mul(x.Sigmoid()).Add(x.Tanh().Square()).Exp().Mean(), x, w);
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    public void GeluMatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        bool tanh = f.ConfigString("approximate") == "tanh";
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = x.Gelu(tanh);
        Expect.Close(f.Matrix("output.y"), y.Data, OpTol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
    }
}
