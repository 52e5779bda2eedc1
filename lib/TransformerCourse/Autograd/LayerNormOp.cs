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
    public Tensor LayerNorm(Tensor gamma, Tensor beta, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(gamma);
        ArgumentNullException.ThrowIfNull(beta);
        int n = Rows, d = Cols;
        if (gamma.Rows != 1 || gamma.Cols != d || beta.Rows != 1 || beta.Cols != d)
            throw new ArgumentException($"LayerNorm: input is {Shape}, gamma is {gamma.Shape}, beta is {beta.Shape}; gamma and beta must be 1×{d}.");
        if (d == 0) throw new ArgumentException("LayerNorm: rows have no features (input is " + Shape + ").");
        var x = Shapes.Values(Data);
        var gv = Shapes.Values(gamma.Data);
        var bv = Shapes.Values(beta.Data);
        // Storage is column-major, so the loops run down columns (j outer, i inner) and read memory in order.
        var mean = new double[n];
        for (int j = 0; j < d; j++)
        {
            var col = x.AsSpan(j * n, n);
            for (int i = 0; i < n; i++) mean[i] += col[i];
        }
        for (int i = 0; i < n; i++) mean[i] /= d;
        var invStd = new double[n];
        for (int j = 0; j < d; j++)
        {
            var col = x.AsSpan(j * n, n);
            for (int i = 0; i < n; i++)
            {
                double c = col[i] - mean[i];
                invStd[i] += c * c;
            }
        }
        for (int i = 0; i < n; i++) invStd[i] = 1.0 / Math.Sqrt(invStd[i] / d + eps);
        var xhat = new double[n * d];
        var y = new double[n * d];
        for (int j = 0; j < d; j++)
        {
            double gj = gv[j], bj = bv[j];
            int o = j * n;
            for (int i = 0; i < n; i++)
            {
                double h = (x[o + i] - mean[i]) * invStd[i];
                xhat[o + i] = h;
                y[o + i] = gj * h + bj;
            }
        }
        var self = this;
        return FromOp(Shapes.Wrap(n, d, y), "LayerNorm", [this, gamma, beta], g =>
        {
            var go = Shapes.Values(g);
            if (gamma.RequiresGrad || beta.RequiresGrad)
            {
                var dg = gamma.RequiresGrad ? Shapes.Values(gamma.GradBuffer()) : null;
                var db = beta.RequiresGrad ? Shapes.Values(beta.GradBuffer()) : null;
                for (int j = 0; j < d; j++)
                {
                    double sg = 0, sb = 0;
                    int o = j * n;
                    for (int i = 0; i < n; i++)
                    {
                        sg += go[o + i] * xhat[o + i];
                        sb += go[o + i];
                    }
                    if (dg is not null) dg[j] += sg;
                    if (db is not null) db[j] += sb;
                }
            }
            if (!self.RequiresGrad) return;
            // With ĝ = g ⊙ γ: ∂x = (1/σ)(ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), row by row.
            var m1 = new double[n];
            var m2 = new double[n];
            for (int j = 0; j < d; j++)
            {
                double gj = gv[j];
                int o = j * n;
                for (int i = 0; i < n; i++)
                {
                    double gh = go[o + i] * gj;
                    m1[i] += gh;
                    m2[i] += gh * xhat[o + i];
                }
            }
            for (int i = 0; i < n; i++)
            {
                m1[i] /= d;
                m2[i] /= d;
            }
            var dx = new double[n * d];
            for (int j = 0; j < d; j++)
            {
                double gj = gv[j];
                int o = j * n;
                for (int i = 0; i < n; i++)
                    dx[o + i] = invStd[i] * (go[o + i] * gj - m1[i] - xhat[o + i] * m2[i]);
            }
            self.AddGradOwned(Shapes.Wrap(n, d, dx));
        });
    }
}
