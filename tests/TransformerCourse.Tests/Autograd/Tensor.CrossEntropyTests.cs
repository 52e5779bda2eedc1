using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Autograd;

public class TensorCrossEntropyTests
{
    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.0, true)]
    [InlineData(0.1, true)]
    [InlineData(1.0, true)]
    public void Gradients(double smoothing, bool withIgnored)
    {
        var rng = new Rng(80);
        foreach (var (n, c) in new[] { (1, 2), (1, 7), (5, 1), (6, 5), (9, 11) })
        {
            var logits = Gen.Param(n, c, rng, "logits");
            var targets = Enumerable.Range(0, n).Select(_ => rng.Next(c)).ToArray();
            if (withIgnored && n > 1)
            {
                targets[0] = -100;
                targets[n / 2] = -100;
            }
            Expect.Gradients(() => logits.CrossEntropy(targets, labelSmoothing: smoothing), logits);
        }
    }

    [Fact]
    public void GradientWithAnIgnoreIndexThatIsARealClass()
    {
        // As in translation: class 0 is <pad>; rows whose target is 0 are skipped, but class
        // 0 still gets probability mass.
        var rng = new Rng(81);
        var logits = Gen.Param(6, 5, rng, "logits");
        int[] targets = [3, 0, 1, 0, 4, 2];
        Expect.Gradients(() => logits.CrossEntropy(targets, ignoreIndex: 0, labelSmoothing: 0.2), logits);
    }

    [Fact]
    public void ByHandWithSmoothing()
    {
        // logits [1, 2, 3], target 2: log p = x − lse with lse = ln(e + e² + e³) = 3.40760596444438.
        // Plain CE = lse − 3. With smoothing ε over C = 3 classes:
        // (1 − ε)(lse − 3) + (ε/3)·Σ(lse − xⱼ) = (1 − ε)(lse − 3) + ε(lse − 2) = lse − 3 + ε.
        var logits = Tensor.FromArray(new double[,] { { 1, 2, 3 } }, requiresGrad: true);
        Expect.Close(0.40760596444438013, logits.CrossEntropy([2]).Item(), 1e-15);
        var loss = logits.CrossEntropy([2], labelSmoothing: 0.1);
        Expect.Close(0.5076059644443801, loss.Item(), 1e-15);

        // ∂z = p − q with p = softmax = [0.0900.., 0.2447.., 0.6652..] and q = [ε/3, ε/3, 1 − ε + ε/3].
        loss.Backward();
        double[] p = [0.09003057317038048, 0.2447284710547977, 0.665240955774822];
        double[] q = [0.1 / 3, 0.1 / 3, 0.9 + 0.1 / 3];
        for (int j = 0; j < 3; j++) Expect.Close(p[j] - q[j], logits.Grad![0, j], 1e-15);
    }

    [Fact]
    public void IgnoredRowsAddNothingToLossOrCount()
    {
        // Rows 0 and 2 as above (target 2), row 1 ignored: the mean is over 2 rows, and row 1 gets no gradient.
        var logits = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 9, -4, 0 }, { 1, 2, 3 } }, requiresGrad: true);
        var loss = logits.CrossEntropy([2, 0, 2], ignoreIndex: 0, labelSmoothing: 0.1);
        Expect.Close(0.5076059644443801, loss.Item(), 1e-15);
        loss.Backward();
        Assert.Equal(0.0, logits.Grad!.Row(1).AbsoluteMaximum());
        Expect.Close((0.665240955774822 - (0.9 + 0.1 / 3)) / 2, logits.Grad[0, 2], 1e-15);
    }

    [Fact]
    public void AllRowsIgnoredGivesZeroLossAndZeroGradient()
    {
        var logits = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var loss = logits.CrossEntropy([-100, -100]);
        Assert.Equal(0.0, loss.Item());
        loss.Backward();
        Assert.Equal(0.0, logits.Grad is null ? 0.0 : Expect.MaxAbs(logits.Grad));
    }

    [Fact]
    public void HugeLogitsStayFinite()
    {
        var logits = Tensor.FromArray(new double[,] { { 1e4, -1e4, 0 }, { -1e4, -1e4, -1e4 } }, requiresGrad: true);
        var loss = logits.CrossEntropy([0, 1], labelSmoothing: 0.1);
        Assert.True(double.IsFinite(loss.Item()));
        // Row 0: −log p₀ = 0, Σ −log p = 0 + 2e4 + 1e4; row 1: uniform, −log p = ln 3.
        Expect.Close((0.1 / 3 * 3e4 + Math.Log(3)) / 2, loss.Item(), 1e-9);
        loss.Backward();
        Assert.All(logits.Grad!.Enumerate(), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void UniformLogitsGiveLogC()
    {
        // The loss at chance: every class equally likely, −log(1/C) = log C, whatever the smoothing.
        var logits = Tensor.Zeros(4, 10, requiresGrad: true);
        Expect.Close(Math.Log(10), logits.CrossEntropy([0, 3, 9, 5]).Item(), 1e-15);
        Expect.Close(Math.Log(10), logits.CrossEntropy([0, 3, 9, 5], labelSmoothing: 0.3).Item(), 1e-15);
    }

    [Fact]
    public void NonFiniteLogitsAreAnError()
    {
        Expect.ThrowsArgument(() => Tensor.FromArray(new double[,] { { 1, double.NaN } }).CrossEntropy([0]),
            "CrossEntropy", "NaN", "row 0", "column 1");
        Expect.ThrowsArgument(() => Tensor.FromArray(new double[,] { { 1, 2 }, { double.PositiveInfinity, 0 } })
            .CrossEntropy([0, 1]), "CrossEntropy", "row 1");
    }

    [Fact]
    public void ManyRowsByHand()
    {
        // 11 rows × 7 classes with smoothing 0.1 and two ignored rows; reference: the definition with log Σ exp.
        var rng = new Rng(32);
        var z = Tensor.Randn(11, 7, rng, std: 2, requiresGrad: true);
        int[] targets = [0, 6, 3, -100, 2, 2, 5, 1, -100, 4, 0];
        var loss = z.CrossEntropy(targets, labelSmoothing: 0.1);
        double expected = 0;
        int count = 0;
        for (int i = 0; i < 11; i++)
        {
            if (targets[i] == -100) continue;
            count++;
            double max = Enumerable.Range(0, 7).Max(j => z[i, j]);
            double logSum = Math.Log(Enumerable.Range(0, 7).Sum(j => Math.Exp(z[i, j] - max))) + max;
            expected += -0.9 * (z[i, targets[i]] - logSum) - 0.1 / 7 * Enumerable.Range(0,
                7).Sum(j => z[i, j] - logSum);
        }
        Expect.Close(expected / count, loss.Item(), 1e-13);
        Expect.Gradients(() => z.CrossEntropy(targets, labelSmoothing: 0.1), z);
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("cross_entropy_plain")]
    [InlineData("cross_entropy_smoothing")]
    [InlineData("cross_entropy_smoothing_ignore")]
    public void MatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var logits = Tensor.Parameter(f.Matrix("input.logits"));
        var loss =
            logits.CrossEntropy(f.Ints("input.target"), f.ConfigInt("ignore_index"), f.ConfigDouble("label_smoothing"));
        Expect.Close(f.Scalar("output.loss"), loss.Item(), OpTol, "loss");
        loss.Backward();
        Expect.Close(f.Matrix("grad_input.logits"), logits.Grad!, OpTol, "∂logits");
    }
}
