using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Autograd.Kernels;

public class LayerNormOpTests
{
    [Fact]
    public void Gradients()
    {
        var rng = new Rng(70);
        foreach (var (r, c) in Gen.Shapes(71).Where(s => s.Cols > 1).Concat([(3, 8)]))
        {
            var x = Gen.Param(r, c, rng, "x");
            var gamma = Gen.Param(1, c, rng, "gamma");
            var beta = Gen.Param(1, c, rng, "beta");
            Expect.Gradients(() => x.LayerNorm(gamma, beta), x, gamma, beta);
        }
    }

    [Fact]
    public void GradientOfAScaledInputAndConstantAffine()
    {
        // Inputs with a large offset and scale: the normalisation removes both, the gradient must still be right.
        var rng = new Rng(72);
        var x = Gen.Param(4, 6, rng, "x");
        var gamma = Tensor.Ones(1, 6);
        var beta = Tensor.Zeros(1, 6);
        Expect.Gradients(() => x.Scale(3).AddScalar(10).LayerNorm(gamma, beta), x);
    }

    [Fact]
    public void SmallRowByHand()
    {
        // Row [1, 2, 3, 4]: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25)/4 = 1.25,
        // so with ε = 0 the normalised row is [−1.5, −0.5, 0.5, 1.5]/√1.25.
        var x = Tensor.Row(1, 2, 3, 4);
        var y = x.LayerNorm(Tensor.Ones(1, 4), Tensor.Zeros(1, 4), eps: 0);
        double[] expected = [-1.3416407864998738, -0.4472135954999579, 0.4472135954999579, 1.3416407864998738];
        for (int j = 0; j < 4; j++) Expect.Close(expected[j], y.Data[0, j], 1e-15);

        // γ = [1, 2, 1, 2], β = [0, 0, 1, 1]; and ε = 1e-5 divides by √1.25001 instead.
        var z = x.LayerNorm(Tensor.Row(1, 2, 1, 2), Tensor.Row(0, 0, 1, 1), eps: 1e-5);
        double[] withEps =
            [-1.3416354199689269, 2 * -0.447211806656309, 1 + 0.447211806656309, 1 + 2 * 1.3416354199689269];
        for (int j = 0; j < 4; j++) Expect.Close(withEps[j], z.Data[0, j], 1e-15);
    }

    [Fact]
    public void EachRowHasMeanZeroAndVarianceOne()
    {
        var rng = new Rng(73);
        var x = Tensor.Randn(5, 16, rng, std: 7).AddScalar(3);
        var y = x.LayerNorm(Tensor.Ones(1, 16), Tensor.Zeros(1, 16), eps: 0);
        for (int i = 0; i < 5; i++)
        {
            var row = y.Data.Row(i);
            Expect.Close(0, row.Sum() / 16, 1e-15, "mean");
            Expect.Close(1, row.DotProduct(row) / 16, 1e-14, "variance");
        }
    }

    [Fact]
    public void ConstantRowGivesBeta()
    {
        // Variance 0: (x − μ) = 0 and ε keeps the division finite, so the output is β.
        var y = Tensor.FromArray(new double[,] { { 5, 5, 5 } }).LayerNorm(Tensor.Ones(1, 3), Tensor.Row(0.1, 0.2, 0.3));
        Assert.Equal(new double[,] { { 0.1, 0.2, 0.3 } }, y.ToArray());
    }

    [Fact]
    public void ManyRowsMatchTheDefinition()
    {
        // 13 rows: the row loops run in SIMD blocks plus a remainder. Reference: the definition, one row at a time.
        var rng = new Rng(74);
        int n = 13, d = 6;
        var x = Tensor.Randn(n, d, rng, std: 3).AddScalar(1);
        var gamma = Tensor.Randn(1, d, rng);
        var beta = Tensor.Randn(1, d, rng);
        var y = x.LayerNorm(gamma, beta);
        for (int i = 0; i < n; i++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < d; j++) mean += x[i, j] / d;
            for (int j = 0; j < d; j++) variance += (x[i, j] - mean) * (x[i, j] - mean) / d;
            for (int j = 0; j < d; j++)
                Expect.Close(gamma[0, j] * (x[i, j] - mean) / Math.Sqrt(variance + 1e-5) + beta[0, j], y[i, j], 1e-13);
        }
    }

    [Fact]
    public void GradientsOnManyRows()
    {
        var rng = new Rng(75);
        foreach (var n in new[] { 8, 13 })
        {
            var x = Gen.Param(n, 5, rng, "x");
            var gamma = Gen.Param(1, 5, rng, "gamma");
            var beta = Gen.Param(1, 5, rng, "beta");
            Expect.Gradients(() => x.LayerNorm(gamma, beta), x, gamma, beta);
            Expect.Gradients(() => x.LayerNorm(Tensor.Row(1, 2, 3, 4, 5), Tensor.Zeros(1, 5)), x);
        }
    }

    [Fact]
    public void NaNAndInfinityAreRejectedNamingTheFirstPosition()
    {
        // Like softmax: the op, the shape and the first bad entry (row by row, then column). PyTorch gives a NaN row.
        var rng = new Rng(72);
        var gamma = Tensor.Ones(1, 4);
        var beta = Tensor.Zeros(1, 4);
        Tensor With(params (int Row, int Col, double Value)[] bad)
        {
            var x = Gen.Param(3, 4, rng, "x");
            foreach (var (r, c, v) in bad) x.Data[r, c] = v;
            return x;
        }
        Expect.ThrowsArgument(() => With((1, 2, double.NaN)).LayerNorm(gamma, beta),
            "LayerNorm", "3×4 input", "NaN at row 1, column 2", "must be finite");
        // The first in reading order, not in storage (column-major) order.
        Expect.ThrowsArgument(() => With((2, 0, double.NaN), (1, 3, double.PositiveInfinity)).LayerNorm(gamma, beta),
            "LayerNorm", "3×4", "at row 1, column 3");
        Expect.ThrowsArgument(() => With((0, 1, double.NegativeInfinity)).LayerNorm(gamma, beta),
            "LayerNorm", "at row 0, column 1");
        // +∞ and −∞ in one row (their sum is NaN) are found too.
        Expect.ThrowsArgument(() => With((2, 1, double.PositiveInfinity), (2, 3, double.NegativeInfinity))
            .LayerNorm(gamma, beta), "LayerNorm", "at row 2, column 1");
        // A finite input is normalised as before: a row of 1, 2, 3, 4 has mean 2.5 and variance 1.25.
        var y = Tensor.FromRows([[1, 2, 3, 4]]).LayerNorm(gamma, beta, eps: 0);
        Expect.Close(-1.5 / Math.Sqrt(1.25), y[0, 0], 1e-15);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void MatchesPyTorch()
    {
        var f = TorchFixture.Load("layer_norm");
        var x = Tensor.Parameter(f.Matrix("input.x"));            // (batch 2, time 3, 8) → 6×8
        var gamma = Tensor.Parameter(f.Matrix("param.weight"));   // [8] → 1×8
        var beta = Tensor.Parameter(f.Matrix("param.bias"));
        var y = x.LayerNorm(gamma, beta, f.ConfigDouble("eps"));
        Expect.Close(f.Matrix("output.y"), y.Data, OpTol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
        Expect.Close(f.Matrix("grad.weight"), gamma.Grad!, OpTol, "∂γ");
        Expect.Close(f.Matrix("grad.bias"), beta.Grad!, OpTol, "∂β");
    }
}
