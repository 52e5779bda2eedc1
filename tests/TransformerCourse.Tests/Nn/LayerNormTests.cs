using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

/// <summary>The <see cref="LayerNorm"/> module (its values and gradients are tested in LayerTests
/// and LayerNormOpTests).</summary>
public class LayerNormTests
{
    [Fact]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients() =>
        BothPaths.AssertSame("LayerNorm", () =>
        {
            var rng = new Rng(228);
            var ln = new LayerNorm(6, eps: 1e-3);
            foreach (var p in ln.Parameters()) p.Data.MapInplace(_ => rng.NextGaussian());   // γ ≠ 1, β ≠ 0
            var x = Tensor.Randn(5, 6, rng, requiresGrad: true);
            x.Data.MapIndexedInplace((i, _, v) => v * (i + 1) + 3 * i);                        // rows of other μ, σ²
            return (ln.Forward(x), ln, [x]);
        }, ["RowSums", "Sub", "Square", "Sqrt", "Div", "Mul", "Add"], ["LayerNorm"]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForwardRejectsNaNAndInfinity(bool fused)
    {
        using var path = KernelSwitch.Use(fused);
        var ln = new LayerNorm(5);
        var x = Tensor.Randn(4, 5, new Rng(227), requiresGrad: true);
        x.Data[3, 4] = double.NaN;
        Expect.ThrowsArgument(() => ln.Forward(x), "LayerNorm", "4×5 input", "NaN at row 3, column 4");
        x.Data[3, 4] = 0;
        x.Data[0, 2] = double.PositiveInfinity;
        Expect.ThrowsArgument(() => ln.Forward(x), "LayerNorm", "4×5 input", "at row 0, column 2");
        x.Data[0, 2] = 0;
        Assert.All(ln.Forward(x).Data.Enumerate(), v => Assert.True(double.IsFinite(v)));
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

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1e-5)]
    [InlineData(0.0)]
    [InlineData(double.PositiveInfinity)]
    public void AnEpsilonThatIsNotAPositiveNumberIsRefusedAtConstruction(double eps) =>
        Expect.ThrowsArgument(() => new LayerNorm(4, eps), "LayerNorm: ε must be a positive number");
}
