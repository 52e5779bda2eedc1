using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
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

    /// <summary>The block-diagonal rotation with blocks [[cos kω, sin kω], [−sin kω, cos kω]] acting
    /// on columns (sin, cos).</summary>
    private static Matrix<double> Rotation(int k, int d)
    {
        var m = new DenseMatrix(d, d);
        for (int i = 0; 2 * i < d; i++)
        {
            double a = k * Math.Pow(10000, -2.0 * i / d);
            // sin((p+k)ω) = sin pω cos kω + cos pω sin kω;  cos((p+k)ω) = cos pω cos kω − sin pω sin kω
            m[2 * i, 2 * i] = Math.Cos(a);
            m[2 * i, 2 * i + 1] = Math.Sin(a);
            m[2 * i + 1, 2 * i] = -Math.Sin(a);
            m[2 * i + 1, 2 * i + 1] = Math.Cos(a);
        }
        return m;
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void TableMatchesPyTorchAndTheAnnotatedTransformer()
    {
        var f = TorchFixture.Load("positional_encoding");
        var pe = SinusoidalPositionalEncoding.Build(f.ConfigInt("max_len"), f.ConfigInt("d_model"));
        Expect.Close(f.Matrix("output.pe"), pe, 1e-15, "PE");
    }

    [Fact]
    public void FormulaAtHandPickedPositions()
    {
        var pe = SinusoidalPositionalEncoding.Build(60, 6);
        Assert.Equal(0.0, pe[0, 0]);          // sin 0
        Assert.Equal(1.0, pe[0, 1]);          // cos 0
        Expect.Close(Math.Sin(1), pe[1, 0], 1e-15, "PE(1, 0) = sin(1)");
        Expect.Close(Math.Cos(1), pe[1, 1], 1e-15, "PE(1, 1) = cos(1)");
        // i = 1: ω = 10000^(−2/6) = 1/10000^(1/3) ≈ 0.0464
        double w1 = 1 / Math.Pow(10000, 2.0 / 6);
        Expect.Close(Math.Sin(50 * w1), pe[50, 2], 1e-14, "PE(50, 2)");
        Expect.Close(Math.Cos(50 * w1), pe[50, 3], 1e-14, "PE(50, 3)");
        // i = 2: ω = 10000^(−4/6)
        Expect.Close(Math.Sin(7 / Math.Pow(10000, 4.0 / 6)), pe[7, 4], 1e-15, "PE(7, 4)");
    }

    [Fact]
    public void ShiftByKIsARotationThatDoesNotDependOnThePosition()
    {
        const int d = 8, k = 3;
        var pe = SinusoidalPositionalEncoding.Build(64, d);
        var m = Rotation(k, d);
        for (int pos = 0; pos + k < 64; pos += 5)
            Expect.Close(pe.Row(pos + k), m * pe.Row(pos), 1e-12, $"PE({pos}+{k}) = M_k PE({pos})");

        // Find M from data alone: least squares over positions 0…49 of PE(p+k)ᵀ ≈ PE(p)ᵀ Mᵀ, and recover the rotation.
        var x = pe.SubMatrix(0, 50, 0, d);
        var y = pe.SubMatrix(k, 50, 0, d);
        var fitted = x.Solve(y).Transpose(); // QR least squares: x·Mᵀ = y
        Expect.Close(m, fitted, 1e-6, "fitted M_k");
        Expect.Close(DenseMatrix.CreateIdentity(d), fitted * fitted.Transpose(), 1e-6, "M_k is orthogonal");
    }

    [Fact]
    public void AddsThePositionOfEachRowInTheBatch()
    {
        var pe = new SinusoidalPositionalEncoding(4, maxLength: 10);
        var x = Tensor.Parameter(DenseMatrix.Create(2 * 3, 4, 1.0));
        var y = pe.Forward(x, time: 3);
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
                Expect.Close(pe.Table.Row(t) + 1.0, y.Data.Row(b * 3 + t), 0, $"row {b}·3+{t}");
        var shifted = pe.Forward(x, time: 3, startPosition: 4);
        Expect.Close(pe.Table.Row(5) + 1.0, shifted.Data.Row(1), 0, "start position");
        Expect.Gradients(() => pe.Forward(x, 3), x);
        Expect.ThrowsArgument(() => pe.Forward(x, time: 3, startPosition: 8), "beyond the table of 10");
        Assert.Empty(pe.NamedParameters());
    }
}
