using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

/// <summary>The gradient check must be able to fail, or every other gradient test proves nothing.</summary>
public class GradCheckTests
{
    [Fact]
    public void CatchesAGradientThatMissesAPath()
    {
        // f(x) = Σ x ⊙ stopgrad(x): the true gradient is 2x, back-propagation only sees x
        // (the detached copy is a constant).
        var x = Gen.Param(3, 4, new Rng(1), "x");
        var result = GradCheck.Check(() => x.Mul(Tensor.Constant(x.Data.Clone())).Sum(), x);

        Assert.False(result.Passed(1e-3), result.ToString());
        Assert.Equal("x", result.Input);
        // At the worst element the finite difference is twice the back-propagated value.
        Assert.Equal(2 * result.Analytic, result.Numeric, 6);
    }

    [Fact]
    public void CatchesANonDeterministicFunction()
    {
        // Dropout with a generator that keeps advancing draws a new mask at every evaluation.
        var x = Gen.Param(4, 5, new Rng(2), "x");
        var rng = new Rng(3);
        var result = GradCheck.Check(() => x.Dropout(0.5, rng).Sum(), x);
        Assert.False(result.Passed(1e-3), result.ToString());
        Assert.True(result.MaxError > 0.1, result.ToString());
    }

    [Fact]
    public void PassesACorrectGradientAndReportsWhatItChecked()
    {
        var x = Gen.Param(3, 4, new Rng(4), "x");
        var result = GradCheck.Check(() => x.Mul(x).Sum(), x);
        Assert.True(result.Passed(1e-8), result.ToString());
        Assert.Equal(12, result.Checked);
        Assert.Contains("gradient check over 12 elements", result.ToString());
    }

    [Fact]
    public void ComparesEveryInputAndRestoresTheirValues()
    {
        var rng = new Rng(5);
        var a = Gen.Param(2, 3, rng, "a");
        var b = Gen.Param(2, 3, rng, "b");
        var before = (a.Data.Clone(), b.Data.Clone());
        var result = GradCheck.Check(() => a.Mul(b), a, b); // a non-scalar output is reduced with fixed random weights
        Assert.True(result.Passed(1e-8), result.ToString());
        Assert.Equal(12, result.Checked);
        Assert.Equal(before.Item1, a.Data);
        Assert.Equal(before.Item2, b.Data);
    }

    [Fact]
    public void SamplesLargeInputs()
    {
        var x = Gen.Param(30, 30, new Rng(6), "x");
        var result = GradCheck.Check(() => x.Tanh().Sum(), [x], maxElementsPerInput: 50);
        Assert.InRange(result.Checked, 50, 60);
    }

    [Fact]
    public void RejectsAnInputWithoutGradient()
    {
        var c = Tensor.Constant(Tensor.Ones(2, 2).Data, "c");
        Expect.ThrowsArgument(() => GradCheck.Check(() => c.Sum(), c), "GradCheck", "c");
    }
}
