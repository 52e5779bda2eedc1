using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

/// <summary>Linear, Embedding, LayerNorm, activations and Sequential: gradients, values and errors.</summary>
public class LayerTests
{
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
        Expect.ThrowsArgument(() => lin.Forward(Tensor.Zeros(4, 3)), "Linear", "input is 4×3", "5 features", "weight is 2×5");
        Expect.ThrowsArgument(() => new Linear(0, 2, new Rng(1)), "Linear");
    }

    [Fact]
    public void LayerNormModule()
    {
        var rng = new Rng(226);
        var ln = new LayerNorm(6);
        Assert.Equal(["weight", "bias"], ln.NamedParameters().Select(p => p.Name));
        Assert.Equal([6], ln.NamedParameters().First().Shape);
        Assert.All(ln.Weight.Data.Enumerate(), v => Assert.Equal(1.0, v));
        Assert.All(ln.Bias.Data.Enumerate(), v => Assert.Equal(0.0, v));
        Assert.Equal(1e-5, ln.Eps);

        ln.Weight.Data.MapInplace(_ => rng.NextUniform(0.5, 1.5));
        ln.Bias.Data.MapInplace(_ => rng.NextGaussian());
        foreach (int n in new[] { 1, 4 })
        {
            var x = Gen.Param(n, 6, rng, "x");
            Expect.Gradients(() => ln.Forward(x), x, ln.Weight, ln.Bias);
        }
        Expect.ThrowsArgument(() => ln.Forward(Tensor.Zeros(2, 5)), "LayerNorm", "input is 2×5", "gamma is 1×6");
    }

    [Fact]
    public void SequentialGradient()
    {
        var rng = new Rng(228);
        var mlp = new Sequential(new Linear(4, 6, rng), new GELU(), new Linear(6, 5, rng), new Tanh(),
            new LayerNorm(5), new Linear(5, 3, rng), new Sigmoid());
        var x = Gen.Param(3, 4, rng, "x");
        Expect.Gradients(() => mlp.Forward(x), [x, .. mlp.Parameters()]);
        Expect.Gradients(() => mlp.Forward(x).CrossEntropy([0, 2, 1], labelSmoothing: 0.1), [x, .. mlp.Parameters()]);
    }
}
