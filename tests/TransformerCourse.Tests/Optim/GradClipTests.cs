using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;

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
        Check.Close(3 * k, a.Grad![0, 0], 1e-16);
        Check.Close(4 * k, a.Grad[0, 1], 1e-16);
        Check.Close(12 * k, b.Grad![0, 0], 1e-15);
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
}
