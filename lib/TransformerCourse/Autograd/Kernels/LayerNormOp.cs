using TransformerCourse.Autograd.Kernels;
namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>
    /// Row-wise layer normalisation: each row (a token's d features) is shifted to mean 0 and scaled to variance 1,
    /// then scaled and shifted by learned γ and β:
    /// yᵢ = γ ⊙ (xᵢ − μᵢ) / √(σᵢ² + ε) + β, with μᵢ and σᵢ² the mean and biased variance of row i.
    /// Shapes: this n×d, γ and β 1×d, result n×d.
    /// </summary>
    /// <param name="gamma">The 1×d scale γ (PyTorch's <c>weight</c>).</param>
    /// <param name="beta">The 1×d shift β (PyTorch's <c>bias</c>).</param>
    /// <param name="eps">Added to the variance for stability (PyTorch's default 1e-5).</param>
    /// <exception cref="ArgumentException">The input holds NaN or ±∞ (the message gives the first one's row and
    /// column). PyTorch would return NaN for the row; here it is an error, as in
    /// <see cref="SoftmaxFunctions"/>.</exception>
    public Tensor LayerNorm(Tensor gamma, Tensor beta, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        int n = Rows, d = Cols;
        if (gamma.Rows != 1 || gamma.Cols != d || beta.Rows != 1 || beta.Cols != d)
            throw new ArgumentException($"LayerNorm: input is {Shape}, gamma is {gamma.Shape}, beta is {beta.Shape}; " +
                $"gamma and beta must be 1×{d}.");
        if (d == 0) throw new ArgumentException("LayerNorm: rows have no features (input is " + Shape + ").");
        var x = Shapes.Values(Data);
        var gv = Shapes.Values(gamma.Data);
        var bv = Shapes.Values(beta.Data);
        // Storage is column-major, so the loops run down columns (j outer, i inner): they read memory in order, and the
        // inner loop over rows is a SIMD loop over n per-row accumulators. Each row's sums still add j = 0, 1,
        // … in order.
        var mean = new double[n];
        for (int j = 0; j < d; j++) Simd.Add(mean, x.AsSpan(j * n, n), mean);
        Simd.Divide(mean, d);                // μ
        CheckFinite(x, mean, n, d);
        var invStd = new double[n];
        for (int j = 0; j < d; j++) Simd.AddSquaredDifference(x.AsSpan(j * n, n), mean, invStd);
        Simd.InverseStd(invStd, d, eps);     // 1/√(σ² + ε)
        var y = GC.AllocateUninitializedArray<double>(n * d);
        for (int j = 0; j < d; j++)
            Simd.NormalizeAffine(x.AsSpan(j * n, n), mean, invStd, gv[j], bv[j], y.AsSpan(j * n, n));
        var self = this;
        return FromOp(Shapes.Wrap(n, d, y), "LayerNorm", [this, gamma, beta], g =>
        {
            // x̂ = (x − μ)/σ is recomputed from x, μ and 1/σ (as PyTorch does), rather than kept: one n×d array less
            // per layer.
            var go = Shapes.Values(g);
            var xhat = GC.AllocateUninitializedArray<double>(n);
            var dg = gamma.RequiresGrad ? Shapes.Values(gamma.GradBuffer()) : null;
            var db = beta.RequiresGrad ? Shapes.Values(beta.GradBuffer()) : null;
            // With ĝ = g ⊙ γ: ∂x = (1/σ)(ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), row by row.
            var m1 = self.RequiresGrad ? new double[n] : null;
            var m2 = self.RequiresGrad ? new double[n] : null;
            for (int j = 0; j < d; j++)
            {
                var gj = go.AsSpan(j * n, n);
                Simd.Normalize(x.AsSpan(j * n, n), mean, invStd, xhat);
                if (dg is not null) dg[j] += Simd.Dot(gj, xhat);
                if (db is not null) db[j] += Simd.Sum(gj);
                if (m1 is not null) Simd.AccumulateScaled(gj, gv[j], xhat, m1, m2!);
            }
            if (m1 is null) return;
            Simd.Divide(m1, d);
            Simd.Divide(m2!, d);
            var dx = GC.AllocateUninitializedArray<double>(n * d);
            for (int j = 0; j < d; j++)
            {
                Simd.Normalize(x.AsSpan(j * n, n), mean, invStd, xhat);
                Simd.LayerNormInputGradient(go.AsSpan(j * n, n), gv[j], xhat, m1, m2!, invStd, dx.AsSpan(j * n, n));
            }
            self.AddGradOwned(Shapes.Wrap(n, d, dx));
        });
    }

    /// <summary>
    /// Rejects a NaN or ±∞ input, naming the first one (row by row, then column). Any such value makes its row's mean
    /// non-finite (NaN spreads, ∞ + finite = ∞, ∞ − ∞ = NaN), so only rows whose mean is not finite are searched; a
    /// row of finite values whose sum overflows is searched, finds nothing and is left alone.
    /// </summary>
    internal void CheckFiniteRows(Tensor rowMeans) =>
        CheckFinite(Shapes.Values(Data), Shapes.Values(rowMeans.Data), Rows, Cols);

    /// <summary>The check of <see cref="CheckFiniteRows"/> on the arrays of the fused op.</summary>
    private void CheckFinite(double[] x, double[] mean, int n, int d)
    {
        for (int i = 0; i < n; i++)
        {
            if (double.IsFinite(mean[i])) continue;
            for (int j = 0; j < d; j++)
            {
                double v = x[i + j * n];
                if (!double.IsFinite(v))
                    throw new ArgumentException(
                        $"LayerNorm: the {Shape} input has {v} at row {i}, column {j}; the input must be finite " +
                        "(NaN and ±∞ have no mean or variance to normalise by).");
            }
        }
    }
}
