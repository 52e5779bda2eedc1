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
        var xhat = new double[n * d];
        var invStd = new double[n];
        var y = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int j = 0; j < d; j++) mean += x[i + j * n];
            mean /= d;
            double variance = 0;
            for (int j = 0; j < d; j++)
            {
                double c = x[i + j * n] - mean;
                variance += c * c;
            }
            variance /= d;
            double inv = 1.0 / Math.Sqrt(variance + eps);
            invStd[i] = inv;
            for (int j = 0; j < d; j++)
            {
                int k = i + j * n;
                xhat[k] = (x[k] - mean) * inv;
                y[k] = gv[j] * xhat[k] + bv[j];
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
                    for (int i = 0; i < n; i++)
                    {
                        int k = i + j * n;
                        sg += go[k] * xhat[k];
                        sb += go[k];
                    }
                    if (dg is not null) dg[j] += sg;
                    if (db is not null) db[j] += sb;
                }
            }
            if (self.RequiresGrad)
            {
                // With ĝ = g ⊙ γ: ∂x = (1/σ)(ĝ − mean(ĝ) − x̂ · mean(ĝ ⊙ x̂)), row by row.
                var dx = new double[n * d];
                for (int i = 0; i < n; i++)
                {
                    double m1 = 0, m2 = 0;
                    for (int j = 0; j < d; j++)
                    {
                        int k = i + j * n;
                        double gh = go[k] * gv[j];
                        m1 += gh;
                        m2 += gh * xhat[k];
                    }
                    m1 /= d;
                    m2 /= d;
                    for (int j = 0; j < d; j++)
                    {
                        int k = i + j * n;
                        dx[k] = invStd[i] * (go[k] * gv[j] - m1 - xhat[k] * m2);
                    }
                }
                self.AddGradOwned(Shapes.Wrap(n, d, dx));
            }
        });
    }
}
