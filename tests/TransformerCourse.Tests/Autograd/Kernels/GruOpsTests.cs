using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>The GRU gate arithmetic in one node, against the GRU equations written out element by element.</summary>
public class GruOpsTests
{
    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>
    /// r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h' = (1 − z) ⊙ n + z ⊙ h; a finished row
    /// (keep false) keeps h.
    /// </summary>
    private static Matrix<double> Reference(Matrix<double> gi, Matrix<double> gh, Matrix<double> h, bool[]? keep)
    {
        int b = h.RowCount, hs = h.ColumnCount;
        var result = Matrix<double>.Build.Dense(b, hs);
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < hs; j++)
            {
                double r = Sigmoid(gi[i, j] + gh[i, j]);
                double z = Sigmoid(gi[i, hs + j] + gh[i, hs + j]);
                double n = Math.Tanh(gi[i, 2 * hs + j] + r * gh[i, 2 * hs + j]);
                result[i, j] = keep is null || keep[i] ? (1 - z) * n + z * h[i, j] : h[i, j];
            }
        }
        return result;
    }

    [Fact]
    public void OneUnitByHand()
    {
        // gi = [0, 0, 0.5], gh = [0, 0, 1], h = 2: r = z = ½, n = tanh(0.5 + ½·1) = tanh 1, h' = ½ tanh 1 + 1.
        var gi = Tensor.FromArray(new double[,] { { 0, 0, 0.5 } });
        var gh = Tensor.FromArray(new double[,] { { 0, 0, 1 } });
        var h = Tensor.FromArray(new double[,] { { 2 } });
        var y = GruOps.Combine(gi, gh, h, null);
        Expect.Close(0.5 * Math.Tanh(1) + 1, y.Data[0, 0], 1e-15, "h'");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MatchesTheGruEquationsAndFinishedRowsKeepTheirState(bool masked)
    {
        var rng = new Rng(91);
        int b = 4, hs = 3;
        var gi = Tensor.Randn(b, 3 * hs, rng);
        var gh = Tensor.Randn(b, 3 * hs, rng);
        var h = Tensor.Randn(b, hs, rng);
        bool[]? keep = masked ? [true, false, true, false] : null;
        var y = GruOps.Combine(gi, gh, h, keep);
        Expect.Close(Reference(gi.Data, gh.Data, h.Data, keep), y.Data, 1e-14, "h'");
        if (masked)
        {
            Assert.Equal(h.Data.Row(1).ToArray(), y.Data.Row(1).ToArray());
            Assert.Equal(h.Data.Row(3).ToArray(), y.Data.Row(3).ToArray());
            Assert.NotEqual(h.Data.Row(0).ToArray(), y.Data.Row(0).ToArray());
        }
        Assert.Equal("GruCell", GruOps.Combine(Gen.Param(b, 3 * hs, rng), gh, h, keep).Op);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PassesGradientChecks(bool masked)
    {
        var rng = new Rng(92);
        var gi = Gen.Param(3, 6, rng, "gi");
        var gh = Gen.Param(3, 6, rng, "gh");
        var h = Gen.Param(3, 2, rng, "h");
        bool[]? keep = masked ? [false, true, true] : null;
        Expect.Gradients(() => GruOps.Combine(gi, gh, h, keep), gi, gh, h);
    }

    [Fact]
    public void BackwardUsesTheMaskOfItsStepEvenIfTheCallerChangesItLater()
    {
        var rng = new Rng(93);
        var gi = Gen.Param(2, 6, rng, "gi");
        var gh = Gen.Param(2, 6, rng, "gh");
        var h = Gen.Param(2, 2, rng, "h");
        var keep = new List<bool> { true, false };
        var y = GruOps.Combine(gi, gh, h, keep);
        keep[1] = true; // the caller reuses its list for the next step
        y.Sum().Backward();
        // Row 1 was finished: its state passed through unchanged, so ∂h = 1 there and its gates get nothing.
        Assert.Equal(new[] { 1.0, 1.0 }, h.Grad!.Row(1).ToArray());
        Assert.Equal(0.0, Expect.MaxAbs(gi.Grad!.SubMatrix(1, 1, 0, 6)));
        Assert.Equal(0.0, Expect.MaxAbs(gh.Grad!.SubMatrix(1, 1, 0, 6)));
        Assert.NotEqual(0.0, Expect.MaxAbs(gi.Grad!.SubMatrix(0, 1, 0, 6)));
    }
}
