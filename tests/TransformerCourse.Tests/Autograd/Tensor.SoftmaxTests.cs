using MathNet.Numerics.LinearAlgebra.Double;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Autograd;

/// <summary>Row-wise <see cref="Tensor.Softmax"/> and <see cref="Tensor.LogSoftmax"/> with additive masks.</summary>
public class TensorSoftmaxTests
{
    private const double Hidden = double.NegativeInfinity;

    /// <summary>
    /// A rows×cols additive mask hiding a seeded random subset, with row 0 partially hidden and, if asked, the last row
    /// fully hidden.
    /// </summary>
    private static Matrix<double> RandomMask(int rows, int cols, Rng rng, bool fullyMaskedRow)
    {
        var m = DenseMatrix.Create(rows, cols, (_, _) => rng.NextDouble() < 0.35 ? Hidden : 0);
        if (cols > 1)
        {
            m[0, 0] = 0;
            m[0, cols - 1] = Hidden;
        }
        for (int i = 0; i < rows; i++)
        {
            if (m.Row(i).All(double.IsNegativeInfinity)) m[i, 0] = 0; // keep rows visible unless asked
        }
        if (fullyMaskedRow) m.SetRow(rows - 1, Enumerable.Repeat(Hidden, cols).ToArray());
        return m;
    }

    [Fact]
    public void SoftmaxGradients()
    {
        var rng = new Rng(110);
        foreach (var (r, c) in Gen.Shapes(111))
        {
            var x = Gen.Param(r, c, rng, "x");
            Expect.Gradients(() => x.Softmax(), x);
            var partial = RandomMask(r, c, rng, fullyMaskedRow: false);
            Expect.Gradients(() => x.Softmax(partial), x);
            var withEmptyRow = RandomMask(r, c, rng, fullyMaskedRow: true);
            if (r > 1) Expect.Gradients(() => x.Softmax(withEmptyRow), x);
            // A 1×cols mask shared by every row (a key-padding mask).
            var shared = RandomMask(1, c, rng, fullyMaskedRow: false);
            Expect.Gradients(() => x.Softmax(shared), x);
        }
    }

    [Fact]
    public void LogSoftmaxGradientsWithoutMask()
    {
        var rng = new Rng(112);
        foreach (var (r, c) in Gen.Shapes(113))
        {
            var x = Gen.Param(r, c, rng, "x");
            Expect.Gradients(() => x.LogSoftmax(), x);
            // A shared mask hiding the last columns: the visible block is finite, so it can be checked directly.
            if (c > 2)
            {
                var mask = DenseMatrix.Create(1, c, (_, j) => j >= c - 2 ? Hidden : 0);
                Expect.Gradients(() => x.LogSoftmax(mask).SliceCols(0, c - 2), x);
            }
        }
    }

    [Fact]
    public void LogSoftmaxGradientWithPartlyAndFullyMaskedRows()
    {
        // Hidden entries are −∞, so the weighted sum is taken over the visible entries only, against finite
        // differences.
        var rng = new Rng(114);
        var x = Gen.Param(5, 6, rng, "x");
        var mask = RandomMask(5, 6, rng, fullyMaskedRow: true);
        var w = Tensor.Randn(5, 6, rng).Data;
        double Loss()
        {
            var y = new Tensor(x.Data).LogSoftmax(mask).Data;
            double s = 0;
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 6; j++)
                    if (!double.IsNegativeInfinity(mask[i, j])) s += y[i, j] * w[i, j];
            return s;
        }
        var seed = w.PointwiseMultiply(mask.Map(m => double.IsNegativeInfinity(m) ? 0.0 : 1.0));
        x.Grad = null;
        x.LogSoftmax(mask).Backward(seed);
        Expect.Close(Expect.NumericGradient(Loss, x.Data), x.Grad!, 1e-8, "∂x");
        Assert.Equal(0.0, x.Grad!.Row(4).AbsoluteMaximum()); // the fully masked row
    }

    [Fact]
    public void FullyMaskedRowHasTheDocumentedResultAndAZeroGradient()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, requiresGrad: true);
        var mask = DenseMatrix.OfArray(new double[,] { { 0, Hidden, 0 }, { Hidden, Hidden, Hidden } });
        var p = x.Softmax(mask);
        Assert.Equal(new double[] { 0, 0, 0 }, p.Data.Row(1).ToArray());
        Expect.Close(1 / (1 + Math.E * Math.E), p.Data[0, 0], 1e-15);
        Assert.Equal(0.0, p.Data[0, 1]);

        var lp = x.LogSoftmax(mask);
        Assert.All(lp.Data.Row(1), v => Assert.Equal(double.NegativeInfinity, v));
        Assert.Equal(double.NegativeInfinity, lp.Data[0, 1]);
        Expect.Close(-Math.Log(1 + Math.E * Math.E), lp.Data[0, 0], 1e-15);

        var seed = DenseMatrix.OfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        p.Backward(seed);
        Assert.All(x.Grad!.Enumerate(), g => Assert.True(double.IsFinite(g)));
        Assert.Equal(0.0, x.Grad!.Row(1).AbsoluteMaximum());
        Assert.Equal(0.0, x.Grad[0, 1]);

        x.Grad = null;
        lp.Backward(seed);
        Assert.All(x.Grad!.Enumerate(), g => Assert.True(double.IsFinite(g)));
        Assert.Equal(0.0, x.Grad!.Row(1).AbsoluteMaximum());
    }

    [Fact]
    public void HugeLogitsGiveFiniteValuesAndGradients()
    {
        var x = Tensor.FromArray(new double[,] { { 1e4, -1e4, 0, 1 }, { -1e4, -1e4, -1e4 + 2, -1e4 }, { 1e4, 1e4, 1e4,
            1e4 } }, requiresGrad: true);
        foreach (var y in new[] { x.Softmax(), x.LogSoftmax() })
        {
            Assert.All(y.Data.Enumerate(), v => Assert.True(double.IsFinite(v)));
            x.Grad = null;
            y.Backward(Tensor.Randn(3, 4, new Rng(115)).Data);
            Assert.All(x.Grad!.Enumerate(), g => Assert.True(double.IsFinite(g)));
        }
        Assert.All(x.Softmax().Data.Row(2), v => Assert.Equal(0.25, v));
        // Large but not huge logits (a finite-difference step on 1e4 would lose six digits): saturated rows still check
        // out.
        var big = Gen.Param(3, 5, new Rng(118), "big");
        big.Data.MapInplace(v => 30 * v);
        Expect.Gradients(() => big.Softmax(), big);
        Expect.Gradients(() => big.LogSoftmax(), big);
    }

    [Fact]
    public void MatchesThePlainFunctionsAndEachOther()
    {
        var rng = new Rng(116);
        var x = Tensor.Randn(4, 6, rng, std: 3);
        var p = x.Softmax();
        var lp = x.LogSoftmax();
        for (int i = 0; i < 4; i++)
        {
            Expect.Close(SoftmaxFunctions.Of(x.Data.Row(i)).ToRowMatrix(), p.Data.Row(i).ToRowMatrix(), 0);
            Expect.Close(SoftmaxFunctions.Log(x.Data.Row(i)).ToRowMatrix(), lp.Data.Row(i).ToRowMatrix(), 0);
            Expect.Close(1.0, p.Data.Row(i).Sum(), 1e-15);
        }
        Expect.Close(p.Data.PointwiseLog(), lp.Data, 1e-14);
    }

    [Fact]
    public void RowMaskEqualsFullMask()
    {
        var rng = new Rng(117);
        var x = Tensor.Randn(3, 4, rng);
        var row = DenseMatrix.OfArray(new double[,] { { 0, Hidden, 0, 0 } });
        var full = DenseMatrix.Create(3, 4, (_, j) => row[0, j]);
        Assert.Equal(x.Softmax(full).Data, x.Softmax(row).Data);
        Assert.Equal(x.LogSoftmax(full).Data, x.LogSoftmax(row).Data);
    }

    [Fact]
    public void AnyMatrixKindWorksAsMaskOrSeed()
    {
        // Masks and seeds built with MathNet's sparse or diagonal builders behave as their dense copies.
        var x = Tensor.Randn(3, 3, new Rng(119), requiresGrad: true);
        var dense = DenseMatrix.OfArray(new double[,] { { 0, Hidden, 0 }, { 0, 0, 0 }, { Hidden, 0, 0 } });
        var sparse = Matrix<double>.Build.SparseOfMatrix(dense);
        Assert.Equal(x.Softmax(dense).Data, x.Softmax(sparse).Data);
        Assert.Equal(x.LogSoftmax(dense).Data, x.LogSoftmax(sparse).Data);

        var diagonal = Matrix<double>.Build.DiagonalIdentity(3);
        x.Softmax().Backward(diagonal);
        var fromDiagonal = x.Grad!.Clone();
        x.Grad = null;
        x.Softmax().Backward(DenseMatrix.OfMatrix(diagonal));
        Assert.Equal(x.Grad, fromDiagonal);
    }

    [Fact]
    public void MaskAndInputErrors()
    {
        var x = Tensor.Zeros(4, 3, requiresGrad: true);
        Expect.ThrowsArgument(() => x.Softmax(new DenseMatrix(2, 3)), "Softmax", "input is 4×3", "mask is 2×3");
        Expect.ThrowsArgument(() => x.LogSoftmax(new DenseMatrix(4, 2)), "LogSoftmax", "input is 4×3", "mask is 4×2");
        Expect.ThrowsArgument(() => x.Softmax(DenseMatrix.Create(4, 3, double.NaN)), "Softmax", "mask");
        Expect.ThrowsArgument(() => Tensor.Row(1, double.NaN).Softmax(), "Softmax", "NaN");
    }

    /// <summary>0/1 "hidden" flags to an additive mask of 0 and −∞.</summary>
    private static Matrix<double> Additive(Matrix<double> hidden) => hidden.Map(h => h != 0 ? Hidden : 0.0);

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("softmax", false)]
    [InlineData("log_softmax", true)]
    public void MatchesPyTorch(string name, bool log)
    {
        var f = TorchFixture.Load(name);
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = log ? x.LogSoftmax() : x.Softmax();
        // Log-probabilities reach −2e4 here, whose ulp is 3.6e-12: compare them relative to their size.
        Expect.CloseRelative(f.Matrix("output.y"), y.Data, OpTol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void WithTemperatureMatchesPyTorch()
    {
        var f = TorchFixture.Load("softmax_temperature");
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = x.Scale(1 / f.ConfigDouble("temperature")).Softmax();
        Expect.Close(f.Matrix("output.y"), y.Data, OpTol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("softmax_masked", false)]
    [InlineData("log_softmax_masked", true)]
    public void MaskedMatchesPyTorch(string name, bool log)
    {
        var f = TorchFixture.Load(name);
        var hidden = f.Matrix("input.mask");
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = log ? x.LogSoftmax(Additive(hidden)) : x.Softmax(Additive(hidden));
        // PyTorch's −∞ outputs are written as 0 in the log-softmax fixture: compare those entries as −∞ ↔ 0.
        var got = y.Data.Map(v => double.IsNegativeInfinity(v) ? 0.0 : v);
        Expect.Close(f.Matrix("output.y"), got, OpTol, "y");
        if (log)
        {
            for (int i = 0; i < hidden.RowCount; i++)
                for (int j = 0; j < hidden.ColumnCount; j++)
                    Assert.Equal(hidden[i, j] != 0, double.IsNegativeInfinity(y.Data[i, j]));
        }
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, OpTol, "∂x");
    }
}
