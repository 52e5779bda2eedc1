namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>
    /// Inverted dropout: each element is zeroed with probability p and the survivors are scaled by 1/(1−p),
    /// so the expected value is unchanged. When <paramref name="training"/> is false, or p = 0, returns this tensor.
    /// </summary>
    /// <param name="p">Drop probability, 0 ≤ p &lt; 1.</param>
    /// <param name="rng">The random source that draws the mask.</param>
    /// <param name="training">Dropout acts only in training.</param>
    public Tensor Dropout(double p, Rng rng, bool training = true)
    {
        if (p < 0 || p >= 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        ArgumentNullException.ThrowIfNull(rng);
        if (!training || p == 0) return this;
        var xv = Shapes.Values(Data);
        var mask = new double[xv.Length];
        var yv = new double[xv.Length];
        double keep = 1.0 / (1.0 - p);
        for (int k = 0; k < xv.Length; k++)
        {
            mask[k] = rng.NextDouble() < p ? 0.0 : keep;
            yv[k] = xv[k] * mask[k];
        }
        var self = this;
        int rows = Rows, cols = Cols;
        return FromOp(Shapes.Wrap(rows, cols, yv), "Dropout", [this], g =>
        {
            var gv = Shapes.Values(g);
            var gx = new double[gv.Length];
            for (int k = 0; k < gx.Length; k++) gx[k] = gv[k] * mask[k];
            self.AddGradOwned(Shapes.Wrap(rows, cols, gx));
        });
    }
}
