using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

public class InitTests
{
    [Fact]
    public void UniformBounds()
    {
        // Xavier: a = √(6/(fan_in + fan_out)) = √(6/(40 + 20)) = √0.1; He: a = √(6/fan_in) = √(6/40).
        var rng = new Rng(230);
        var xavier = Init.XavierUniform(20, 40, rng);
        var he = Init.HeUniform(20, 40, rng);
        Assert.True(xavier.RequiresGrad);
        Assert.All(xavier.Data.Enumerate(), v => Assert.InRange(v, -Math.Sqrt(0.1), Math.Sqrt(0.1)));
        Assert.All(he.Data.Enumerate(), v => Assert.InRange(v, -Math.Sqrt(0.15), Math.Sqrt(0.15)));
        // They use the range: the largest |value| of 800 draws is near the bound.
        Assert.True(Expect.MaxAbs(xavier.Data) > 0.95 * Math.Sqrt(0.1));
        Assert.All(Init.Uniform(3, 3, 2, 3, rng).Data.Enumerate(), v => Assert.InRange(v, 2, 3));
    }

    [Fact]
    public void NormalStandardDeviations()
    {
        var rng = new Rng(231);
        double Std(MathNet.Numerics.LinearAlgebra.Matrix<double> m)
        {
            double mean = m.Enumerate().Average();
            return Math.Sqrt(m.Enumerate().Sum(v => (v - mean) * (v - mean)) / (m.RowCount * m.ColumnCount));
        }
        // 10,000 samples: the sample std is within ~1% of the true one (allow 4%).
        Expect.Close(Math.Sqrt(2.0 / 150), Std(Init.XavierNormal(100, 50, rng).Data), 0.04 * Math.Sqrt(2.0 / 150));
        Expect.Close(Math.Sqrt(2.0 / 50), Std(Init.HeNormal(100, 50, rng).Data), 0.04 * Math.Sqrt(2.0 / 50));
        var shifted = Init.Normal(100, 100, 3, 0.5, rng).Data;
        Expect.Close(3, shifted.Enumerate().Average(), 0.02);
        Expect.Close(0.5, Std(shifted), 0.02);
    }

    [Fact]
    public void ConstantsAndReproducibility()
    {
        Assert.All(Init.Zeros(2, 3).Data.Enumerate(), v => Assert.Equal(0.0, v));
        Assert.All(Init.Ones(2, 3).Data.Enumerate(), v => Assert.Equal(1.0, v));
        Assert.True(Init.Ones(2, 3).RequiresGrad);
        Assert.Equal(Init.XavierUniform(5, 7, new Rng(1)).Data, Init.XavierUniform(5, 7, new Rng(1)).Data);
        Assert.NotEqual(Init.XavierUniform(5, 7, new Rng(1)).Data, Init.XavierUniform(5, 7, new Rng(2)).Data);
    }
}
