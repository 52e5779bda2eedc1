using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

public class TensorDropoutTests
{
    [Fact]
    public void GradientWithAFixedMask()
    {
        // A fresh generator with the same seed draws the same mask at every evaluation, so f is deterministic.
        var rng = new Rng(60);
        foreach (var (r, c) in Gen.Shapes(61))
        {
            var x = Gen.Param(r, c, rng, "x");
            Expect.Gradients(() => x.Dropout(0.3, new Rng(7)), x);
        }
    }

    [Fact]
    public void DropsAboutPAndScalesSurvivors()
    {
        const double p = 0.25;
        var x = Tensor.Ones(100, 100, requiresGrad: true);
        var y = x.Dropout(p, new Rng(62));
        int zeros = y.Data.Enumerate().Count(v => v == 0);
        // 10,000 Bernoulli(0.25) draws: mean 2500, standard deviation ≈ 43; allow 5 σ.
        Assert.InRange(zeros, 2500 - 217, 2500 + 217);
        Assert.All(y.Data.Enumerate(), v => Assert.True(v == 0 || v == 1 / (1 - p)));

        // The gradient is the mask itself: 0 where dropped, 1/(1 − p) where kept.
        y.Sum().Backward();
        Assert.Equal(y.Data, x.Grad);
    }

    [Fact]
    public void IdentityInEvalOrWithPZero()
    {
        var x = Tensor.Ones(3, 3, requiresGrad: true);
        Assert.Same(x, x.Dropout(0.5, new Rng(1), training: false));
        Assert.Same(x, x.Dropout(0.0, new Rng(1)));
    }

    [Fact]
    public void SameSeedSameMask()
    {
        var x = Tensor.Ones(10, 10);
        Assert.Equal(x.Dropout(0.5, new Rng(3)).Data, x.Dropout(0.5, new Rng(3)).Data);
        Assert.NotEqual(x.Dropout(0.5, new Rng(3)).Data, x.Dropout(0.5, new Rng(4)).Data);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void RejectsBadProbability(double p)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Ones(2, 2).Dropout(p, new Rng(1)));
        Assert.Contains("Dropout", ex.Message);
    }
}
