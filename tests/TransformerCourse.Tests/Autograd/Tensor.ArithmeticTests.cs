using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

public class TensorArithmeticTests
{
    private static Tensor Apply(string op, Tensor a, Tensor b) => op switch
    {
        "Add" => a.Add(b),
        "Sub" => a.Sub(b),
        "Mul" => a.Mul(b),
        "Div" => a.Div(b),
        _ => throw new ArgumentException(op),
    };

    private static double Apply(string op, double x, double y) => op switch
    {
        "Add" => x + y,
        "Sub" => x - y,
        "Mul" => x * y,
        "Div" => x / y,
        _ => throw new ArgumentException(op),
    };

    /// <summary>Every broadcast pairing of an r×c operand with r×c, 1×c, r×1 and 1×1 on either side, and
    /// the outer r×1 with 1×c.</summary>
    private static IEnumerable<((int, int) Left, (int, int) Right)> Pairs(int r, int c)
    {
        (int, int) full = (r, c), row = (1, c), col = (r, 1), one = (1, 1);
        yield return (full, full);
        foreach (var small in new[] { row, col, one })
        {
            yield return (full, small);
            yield return (small, full);
        }
        yield return (col, row);
        yield return (row, col);
        yield return (one, one);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BroadcastGradients(string op)
    {
        var rng = new Rng(10);
        foreach (var (r, c) in Gen.Shapes(11).Concat([(3, 4)]))
        {
            foreach (var (left, right) in Pairs(r, c))
            {
                var a = Gen.Param(left.Item1, left.Item2, rng, $"a {left}");
                var b = op == "Div"
                    ? Gen.AwayFromZero(right.Item1, right.Item2, rng, name: $"b {right}")
                    : Gen.Param(right.Item1, right.Item2, rng, $"b {right}");
                Expect.Gradients(() => Apply(op, a, b), a, b);
            }
        }
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void BroadcastValuesMatchLoops(string op)
    {
        var rng = new Rng(12);
        foreach (var (left, right) in Pairs(3, 4))
        {
            var a = Gen.AwayFromZero(left.Item1, left.Item2, rng);
            var b = Gen.AwayFromZero(right.Item1, right.Item2, rng);
            var y = Apply(op, a, b);
            Assert.Equal((Math.Max(a.Rows, b.Rows), Math.Max(a.Cols, b.Cols)), (y.Rows, y.Cols));
            for (int i = 0; i < y.Rows; i++)
            {
                for (int j = 0; j < y.Cols; j++)
                {
                    double x1 = a.Data[a.Rows == 1 ? 0 : i, a.Cols == 1 ? 0 : j];
                    double x2 = b.Data[b.Rows == 1 ? 0 : i, b.Cols == 1 ? 0 : j];
                    Assert.Equal(Apply(op, x1, x2), y.Data[i, j]);
                }
            }
        }
    }

    [Fact]
    public void BroadcastResultShapes()
    {
        var rng = new Rng(13);
        Assert.Equal("3×4", Gen.Param(3, 4, rng).Add(Gen.Param(1, 4, rng)).Shape);
        Assert.Equal("3×4", Gen.Param(3, 1, rng).Add(Gen.Param(1, 4, rng)).Shape);
        Assert.Equal("3×4", Gen.Param(1, 1, rng).Mul(Gen.Param(3, 4, rng)).Shape);
        Assert.Equal("1×1", Gen.Param(1, 1, rng).Mul(Gen.Param(1, 1, rng)).Shape);
    }

    [Fact]
    public void SameTensorOnBothSides()
    {
        var rng = new Rng(14);
        var x = Gen.AwayFromZero(3, 4, rng, name: "x");
        Expect.Gradients(() => x.Mul(x), x);
        Expect.Gradients(() => x.Add(x).Sub(x.Div(x.Scale(3))), x);
        var row = Gen.Param(1, 4, rng, "row");
        Expect.Gradients(() => row.Mul(x).Add(row), x, row);
    }

    [Fact]
    public void ScaleShiftAndOperators()
    {
        var rng = new Rng(15);
        foreach (var (r, c) in Gen.Shapes(16))
        {
            var a = Gen.Param(r, c, rng, "a");
            var b = Gen.Param(r, c, rng, "b");
            Expect.Gradients(() => a.Scale(-2.5), a);
            Expect.Gradients(() => a.AddScalar(3.0), a);
            Expect.Gradients(() => 2.0 * a - b / 4.0 + 1.5, a, b);
            Expect.Gradients(() => -(a * 3.0) + b, a, b);
        }
    }

    [Fact]
    public void OperatorValues()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.Row(10, 20);
        Assert.Equal(new double[,] { { 11, 22 }, { 13, 24 } }, (a + b).ToArray());
        Assert.Equal(new double[,] { { -9, -18 }, { -7, -16 } }, (a - b).ToArray());
        Assert.Equal(new double[,] { { 10, 40 }, { 30, 80 } }, a.Mul(b).ToArray());
        Assert.Equal(new double[,] { { 0.1, 0.1 }, { 0.3, 0.2 } }, a.Div(b).ToArray());
        Assert.Equal(new double[,] { { -1, -2 }, { -3, -4 } }, (-a).ToArray());
        Assert.Equal(new double[,] { { 2, 4 }, { 6, 8 } }, (2.0 * a).ToArray());
        Assert.Equal(new double[,] { { 0.5, 1 }, { 1.5, 2 } }, (a / 2.0).ToArray());
        Assert.Equal(new double[,] { { 1.5, 2.5 }, { 3.5, 4.5 } }, (a + 0.5).ToArray());
    }

    [Fact]
    public void BiasGradientIsTheColumnSumOfTheUpstreamGradient()
    {
        // y = x + b with b 1×c broadcast over rows: ∂b = Σ_rows ∂y (worked out by hand).
        var x = Tensor.Zeros(3, 2, requiresGrad: true);
        var b = Tensor.Zeros(1, 2, requiresGrad: true);
        var seed = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        x.Add(b).Backward(seed);
        Assert.Equal(new double[,] { { 9, 12 } }, b.Grad!.ToArray());
        Assert.Equal(seed, x.Grad);
    }
}
