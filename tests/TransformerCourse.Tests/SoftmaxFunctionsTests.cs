using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests;

/// <summary>The plain-function softmax family on vectors (<see cref="SoftmaxFunctions"/>).</summary>
public class SoftmaxFunctionsTests
{
    private static Vector<double> V(params double[] x) => DenseVector.OfArray(x);

    [Fact]
    public void OneTwoThreeByHand()
    {
        // e¹, e², e³ over their sum e + e² + e³ = 30.19287485057736.
        var p = SoftmaxFunctions.Of(V(1, 2, 3));
        Expect.Close(0.09003057317038046, p[0], 1e-15);
        Expect.Close(0.24472847105479767, p[1], 1e-15);
        Expect.Close(0.6652409557748219, p[2], 1e-15);
        Expect.Close(1.0, p.Sum(), 1e-15);

        // log softmax = x − ln(e + e² + e³) = x − 3.40760596444438.
        var lp = SoftmaxFunctions.Log(V(1, 2, 3));
        Expect.Close(-2.40760596444438, lp[0], 1e-15);
        Expect.Close(-1.4076059644443801, lp[1], 1e-15);
        Expect.Close(-0.40760596444438013, lp[2], 1e-15);
    }

    [Fact]
    public void HugeLogitsGiveNoNaNOrInf()
    {
        foreach (var x in new[] { V(1e4, -1e4, 0), V(1e4, 1e4, 1e4), V(-1e4, -1e4 + 1, -1e4), V(1e4, 1e4 - 1, -1e4) })
        {
            var p = SoftmaxFunctions.Of(x);
            var lp = SoftmaxFunctions.Log(x);
            Assert.All(p, v => Assert.True(double.IsFinite(v) && v >= 0));
            Assert.All(lp, v => Assert.True(double.IsFinite(v) && v <= 0));
            Expect.Close(1.0, p.Sum(), 1e-15);
        }
        Assert.Equal(new[] { 1.0, 0, 0 }, SoftmaxFunctions.Of(V(1e4, -1e4, 0)).ToArray());
        // Only differences matter: [−1e4, −1e4 + 1, −1e4] is softmax of [0, 1, 0] = [1, e, 1]/(2 + e).
        var q = SoftmaxFunctions.Of(V(-1e4, -1e4 + 1, -1e4));
        Expect.Close(Math.E / (2 + Math.E), q[1], 1e-15);
        Expect.Close(-2e4, SoftmaxFunctions.Log(V(1e4, -1e4, 0))[1], 1e-9);
    }

    [Fact]
    public void LogSoftmaxKeepsFullPrecisionFarFromZero()
    {
        // Shifting by −1e4 changes nothing mathematically and every difference here is exact in floating point,
        // so the results must agree to an ulp (computing z − (m + log Σ) would lose ~1e-12 to the rounding of m + log
        // Σ).
        var near = SoftmaxFunctions.Log(V(2, -0.5, 0.5, 1.75));
        var far = SoftmaxFunctions.Log(V(-1e4 + 2, -1e4 - 0.5, -1e4 + 0.5, -1e4 + 1.75));
        var tensor = new Tensor(far.ToRowMatrix()).LogSoftmax().Data.Row(0);
        Expect.Close(near, far, 2e-16);
        Expect.Close(near, tensor, 2e-16);
    }

    [Fact]
    public void ShiftInvarianceAndNotScaleInvariance()
    {
        var x = V(0.3, -1.2, 2.0, 0.7);
        Expect.Close(SoftmaxFunctions.Of(x).ToRowMatrix(), SoftmaxFunctions.Of(x + 100).ToRowMatrix(), 1e-15);
        // Doubling the logits sharpens: the largest probability grows, the smallest shrinks.
        var p = SoftmaxFunctions.Of(x);
        var p2 = SoftmaxFunctions.Of(2 * x);
        Assert.True(p2[2] > p[2]);
        Assert.True(p2[1] < p[1]);
    }

    [Fact]
    public void Temperature()
    {
        var x = V(1, 2, 3, 2.5);
        // softmax(x / T) with T = 2 is softmax of the halved logits, worked out directly.
        Expect.Close(SoftmaxFunctions.Of(x * 0.5).ToRowMatrix(),
            SoftmaxFunctions.Of(x, temperature: 2).ToRowMatrix(), 1e-15);

        // T → 0: one-hot on the largest logit.
        var frozen = SoftmaxFunctions.Of(x, temperature: 1e-3); // the runner-up is e^(−0.5/0.001) = e^−500 behind
        Assert.Equal(1.0, frozen[2]);
        Assert.All(new[] { frozen[0], frozen[1], frozen[3] }, v => Assert.InRange(v, 0, 1e-200));
        var cold = SoftmaxFunctions.Of(x, temperature: 0.05);
        Assert.True(cold[2] > 0.9999);
        // T → ∞: uniform.
        var hot = SoftmaxFunctions.Of(x, temperature: 1e6);
        Assert.All(hot, v => Expect.Close(0.25, v, 1e-6));
        // The entropy grows with T.
        double H(Vector<double> p) => -p.Where(v => v > 0).Sum(v => v * Math.Log(v));
        double[] temps = [0.1, 0.5, 1, 2, 10];
        var entropies = temps.Select(t => H(SoftmaxFunctions.Of(x, t))).ToArray();
        for (int i = 1; i < entropies.Length; i++) Assert.True(entropies[i] > entropies[i - 1]);

        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFunctions.Of(x, temperature: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFunctions.Of(x, temperature: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFunctions.Of(x, temperature: double.NaN));
    }

    [Fact]
    public void PermutationEquivariance()
    {
        var rng = new Rng(100);
        var x = DenseVector.OfArray(Enumerable.Range(0, 7).Select(_ => 3 * rng.NextGaussian()).ToArray());
        var perm = Enumerable.Range(0, 7).ToArray();
        rng.Shuffle(perm);
        var px = DenseVector.OfArray(perm.Select(i => x[i]).ToArray());
        var p = SoftmaxFunctions.Of(x);
        var pp = SoftmaxFunctions.Of(px);
        var lp = SoftmaxFunctions.Log(x);
        var lpp = SoftmaxFunctions.Log(px);
        for (int k = 0; k < 7; k++)
        {
            Expect.Close(p[perm[k]], pp[k], 1e-15);
            Expect.Close(lp[perm[k]], lpp[k], 1e-15);
        }
    }

    [Fact]
    public void Masked()
    {
        var x = V(1, 5, 2, 3);
        var p = SoftmaxFunctions.Masked(x, [true, false, false, true]);
        // Only positions 0 and 3 compete: e¹ / (e¹ + e³) and e³ / (e¹ + e³).
        Expect.Close(1 / (1 + Math.E * Math.E), p[0], 1e-15);
        Expect.Close(Math.E * Math.E / (1 + Math.E * Math.E), p[3], 1e-15);
        Assert.Equal(0.0, p[1]);
        Assert.Equal(0.0, p[2]);

        // Every position hidden: the documented result is all zeros (not NaN).
        Assert.Equal(new double[4], SoftmaxFunctions.Masked(x, [false, false, false, false]).ToArray());
        // Nothing hidden: the plain softmax; with a temperature too.
        Expect.Close(SoftmaxFunctions.Of(x, 3).ToRowMatrix(),
            SoftmaxFunctions.Masked(x, [true, true, true, true], 3).ToRowMatrix(),
            0);

        Expect.ThrowsArgument(() => SoftmaxFunctions.Masked(x, [true, false]), "SoftmaxFunctions.Masked", "4", "2");
    }

    [Fact]
    public void JacobianAgainstFiniteDifferences()
    {
        var rng = new Rng(101);
        foreach (int n in new[] { 1, 2, 5 })
        {
            var x = DenseVector.OfArray(Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray());
            var jac = SoftmaxFunctions.Jacobian(x);
            Assert.Equal((n, n), (jac.RowCount, jac.ColumnCount));
            for (int j = 0; j < n; j++)
            {
                const double h = 1e-6;
                var plus = x.Clone();
                plus[j] += h;
                var minus = x.Clone();
                minus[j] -= h;
                var column = (SoftmaxFunctions.Of(plus) - SoftmaxFunctions.Of(minus)) / (2 * h);
                for (int i = 0; i < n; i++) Expect.Close(column[i], jac[i, j], 1e-9, $"J[{i},{j}]");
            }
            // Each row sums to 0 (probabilities keep summing to 1), and J is symmetric.
            for (int i = 0; i < n; i++) Expect.Close(0, jac.Row(i).Sum(), 1e-15);
            Expect.Close(jac, jac.Transpose(), 0);
        }
    }

    [Fact]
    public void RowsMatchTheVectorFunction()
    {
        var rng = new Rng(102);
        var x = DenseMatrix.Create(4, 5, (_, _) => 2 * rng.NextGaussian());
        var y = SoftmaxFunctions.Rows(x);
        for (int i = 0; i < 4; i++) Expect.Close(SoftmaxFunctions.Of(x.Row(i)).ToRowMatrix(),
            y.Row(i).ToRowMatrix(), 1e-15);

        var mask = DenseMatrix.Create(1, 5, (_, j) => j >= 3 ? double.NegativeInfinity : 0);
        var ym = SoftmaxFunctions.Rows(x, mask);
        for (int i = 0; i < 4; i++)
            Expect.Close(SoftmaxFunctions.Masked(x.Row(i), [true, true, true, false, false]).ToRowMatrix(),
                ym.Row(i).ToRowMatrix(), 1e-15);
    }

    [Fact]
    public void RejectsNaNAndPlusInfinity()
    {
        Expect.ThrowsArgument(() => SoftmaxFunctions.Of(V(1, double.NaN)), "Softmax", "NaN");
        Expect.ThrowsArgument(() => SoftmaxFunctions.Log(V(double.PositiveInfinity, 1)), "LogSoftmax");
        // −∞ is a mask, not an error.
        Assert.Equal(new[] { 0.0, 1 }, SoftmaxFunctions.Of(V(double.NegativeInfinity, 1)).ToArray());
    }

    [Fact]
    public void ATemperatureTooSmallForTheLogitsIsBlamedNotTheLogits()
    {
        // 1 / 1e-320 overflows to ∞: the logits are fine, the temperature is the cause.
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFunctions.Of(V(1, 2), temperature: 1e-320));
        Assert.Equal("temperature", ex.ParamName);
        Assert.Contains("Softmax: logit 0 of 2 (1) divided by the temperature 1E-320 overflows", ex.Message);
        Assert.Contains("temperature is too small", ex.Message);
        Assert.DoesNotContain("logits must be finite", ex.Message);
        // Negative logits overflow to −∞, which would otherwise pass as a mask and give all zeros.
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxFunctions.Of(V(-1, -2), temperature: 1e-320));
        Assert.Contains("temperature is too small", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(
            () => SoftmaxFunctions.Masked(V(1, 5, -3), [true, false, true], temperature: 1e-320));
        Assert.Contains("SoftmaxFunctions.Masked: logit 0 of 3", ex.Message);
        // Small but sufficient: 1e-10 / 1e-300 = 1e290 is finite, and the largest logit takes everything.
        Assert.Equal(new[] { 0.0, 1.0 }, SoftmaxFunctions.Of(V(1e-10, 2e-10), temperature: 1e-300).ToArray());
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-1.0, "-1")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void InvalidTemperaturesAreNamed(double temperature, string shown)
    {
        foreach (var action in new Action[]
                 {
                     () => SoftmaxFunctions.Of(V(1, 2), temperature),
                     () => SoftmaxFunctions.Masked(V(1, 2), [true, true], temperature),
                 })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(action);
            Assert.Contains($"the temperature is {shown}; it must be a positive finite number", ex.Message);
        }
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("softmax", false)]
    [InlineData("log_softmax", true)]
    public void MatchesPyTorch(string name, bool log)
    {
        var f = TorchFixture.Load(name);
        var x = f.Matrix("input.x");
        for (int i = 0; i < x.RowCount; i++)
        {
            var row = log ? SoftmaxFunctions.Log(x.Row(i)) : SoftmaxFunctions.Of(x.Row(i));
            // Log-probabilities reach −2e4 here, whose ulp is 3.6e-12: compare them relative to their size.
            Expect.CloseRelative(f.Matrix("output.y").Row(i).ToRowMatrix(), row.ToRowMatrix(), OpTol, $"row {i}");
        }
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void WithTemperatureMatchesPyTorch()
    {
        var f = TorchFixture.Load("softmax_temperature");
        var x = f.Matrix("input.x");
        for (int i = 0; i < x.RowCount; i++)
        {
            var row = SoftmaxFunctions.Of(x.Row(i), f.ConfigDouble("temperature"));
            Expect.Close(f.Matrix("output.y").Row(i), row, OpTol, $"row {i}");
        }
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void MaskedMatchesPyTorch()
    {
        var f = TorchFixture.Load("softmax_masked");
        var (x, hidden) = (f.Matrix("input.x"), f.Matrix("input.mask"));
        for (int i = 0; i < x.RowCount; i++)
        {
            var keep = hidden.Row(i).Select(h => h == 0).ToArray();
            Expect.Close(f.Matrix("output.y").Row(i), SoftmaxFunctions.Masked(x.Row(i), keep), OpTol, $"row {i}");
        }
    }
}
