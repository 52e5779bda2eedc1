using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Optim;

public class GradClipTests
{
    private static Tensor WithGrad(params double[] grad)
    {
        var p = Tensor.Zeros(1, grad.Length, requiresGrad: true);
        p.Grad = Tensor.Row(grad).Data;
        return p;
    }

    [Fact]
    public void ClipsByTheGlobalNorm()
    {
        // Gradients [3, 4] and [12]: global norm √(9 + 16 + 144) = 13 > 1, so each is scaled by 1/(13 + 1e-6).
        var a = WithGrad(3, 4);
        var b = WithGrad(12);
        double norm = GradClip.ClipGradNorm([a, b], maxNorm: 1.0);
        Assert.Equal(13.0, norm);
        double k = 1.0 / (13.0 + 1e-6);
        Expect.Close(3 * k, a.Grad![0, 0], 1e-16);
        Expect.Close(4 * k, a.Grad[0, 1], 1e-16);
        Expect.Close(12 * k, b.Grad![0, 0], 1e-15);
        double after = Math.Sqrt(a.Grad.Enumerate().Concat(b.Grad.Enumerate()).Sum(v => v * v));
        Assert.InRange(after, 1 - 1e-6, 1.0);
    }

    [Fact]
    public void LeavesSmallGradientsAlone()
    {
        var a = WithGrad(3, 4);
        Assert.Equal(5.0, GradClip.ClipGradNorm([a], maxNorm: 10));
        Assert.Equal(new double[,] { { 3, 4 } }, a.Grad!.ToArray());
        // Parameters without a gradient are skipped.
        Assert.Equal(5.0, GradClip.ClipGradNorm([a, Tensor.Zeros(2, 2, requiresGrad: true)], maxNorm: 10));
    }

    [Fact]
    public void Errors()
    {
        Assert.Throws<ArithmeticException>(() => GradClip.ClipGradNorm([WithGrad(1, double.NaN)], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradClip.ClipGradNorm([WithGrad(1)], 0));
    }

    [Fact]
    public void NormOverGradientsOfEveryLength()
    {
        // Lengths 1…9 and 13 (SIMD blocks and remainders); the norm by hand.
        var rng = new Rng(31);
        var ps = new[] { 1, 2, 3, 4, 5, 6, 7, 8, 9,
            13 }.Select(n => WithGrad([.. Enumerable.Range(0, n).Select(_ => rng.NextGaussian())])).ToList();
        double sumSq = ps.SelectMany(p => p.Grad!.Enumerate()).Sum(g => g * g);
        var before = ps.Select(p => p.Grad!.Clone()).ToList();
        double norm = GradClip.ClipGradNorm(ps, 0.5);
        Expect.Close(Math.Sqrt(sumSq), norm, 1e-13);
        double coef = 0.5 / (Math.Sqrt(sumSq) + 1e-6);
        for (int i = 0; i < ps.Count; i++) Expect.Close(before[i] * coef, ps[i].Grad!, 1e-15);
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("clip_grad_norm")]
    [InlineData("clip_grad_norm_unclipped")]
    public void ClipGradNormMatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var ps = WeightAndBias.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        for (int i = 0; i < ps.Length; i++) ps[i].Grad = f.Matrix($"grad.{WeightAndBias[i]}.before");
        double norm = GradClip.ClipGradNorm(ps, f.ConfigDouble("max_norm"));
        Expect.Close(f.Scalar("output.total_norm"), norm, OpTol, "norm");
        for (int i = 0; i < ps.Length; i++) Expect.Close(f.Matrix($"grad.{WeightAndBias[i]}.after"), ps[i].Grad!, OpTol,
            $"{WeightAndBias[i]} gradient");
    }
}
