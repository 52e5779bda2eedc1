using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

public class TensorReductionsTests
{
    [Fact]
    public void Gradients()
    {
        var rng = new Rng(50);
        foreach (var (r, c) in Gen.Shapes(51))
        {
            var x = Gen.Param(r, c, rng, "x");
            Expect.Gradients(() => x.Sum(), x);
            Expect.Gradients(() => x.Mean(), x);
            Expect.Gradients(() => x.RowSums(), x);
            Expect.Gradients(() => x.ColumnSums(), x);
            Expect.Gradients(() => x.RowMeans(), x);
            Expect.Gradients(() => x.ColumnMeans(), x);
            // Row statistics broadcast back (the pattern of a hand-written layer norm).
            Expect.Gradients(() => x.Sub(x.RowMeans()).Square().RowMeans().AddScalar(1).Sqrt(), x);
        }
    }

    [Fact]
    public void Values()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        Assert.Equal(21.0, x.Sum().Item());
        Assert.Equal(3.5, x.Mean().Item());
        Assert.Equal(new double[,] { { 6 }, { 15 } }, x.RowSums().ToArray());
        Assert.Equal(new double[,] { { 5, 7, 9 } }, x.ColumnSums().ToArray());
        Assert.Equal(new double[,] { { 2 }, { 5 } }, x.RowMeans().ToArray());
        Assert.Equal(new double[,] { { 2.5, 3.5, 4.5 } }, x.ColumnMeans().ToArray());
    }

    [Fact]
    public void MeanGradientIsOneOverN()
    {
        var x = Tensor.Zeros(2, 5, requiresGrad: true);
        x.Mean().Backward();
        Assert.All(x.Grad!.Enumerate(), g => Assert.Equal(0.1, g, 15));
    }
}
