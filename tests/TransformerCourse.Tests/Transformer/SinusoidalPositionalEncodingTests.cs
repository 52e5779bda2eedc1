using TransformerCourse.Autograd;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

public class SinusoidalPositionalEncodingTests
{
    [Fact]
    public void TheTableIsTheFormulaToTheLastBit()
    {
        var table = SinusoidalPositionalEncoding.Build(50, 8);
        for (int pos = 0; pos < 50; pos++)
        {
            for (int i = 0; i < 4; i++)
            {
                double omega = Math.Exp(2 * i * -(Math.Log(10000.0) / 8));
                Assert.Equal(Math.Sin(pos * omega), table[pos, 2 * i]);
                Assert.Equal(Math.Cos(pos * omega), table[pos, 2 * i + 1]);
            }
        }
    }

    [Fact]
    public void ForwardAddsTheRowOfEachTokensPositionAndPassesTheGradientThrough()
    {
        var pe = new SinusoidalPositionalEncoding(4, 10);
        var x = Tensor.Randn(6, 4, new Rng(81), requiresGrad: true);
        var y = pe.Forward(x, time: 3, startPosition: 2);
        for (int r = 0; r < 6; r++)
            for (int c = 0; c < 4; c++)
                Assert.Equal(x[r, c] + pe.Table[2 + r % 3, c], y[r, c]);
        y.Sum().Backward();
        Assert.All(x.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
    }
}
