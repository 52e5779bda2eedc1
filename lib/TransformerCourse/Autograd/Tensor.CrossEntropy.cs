namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>
    /// Cross-entropy of row-wise logits against target classes, averaged over the rows whose target is not ignored
    /// (PyTorch's <c>nn.CrossEntropyLoss(ignore_index, label_smoothing)</c> with mean reduction).
    /// With p = softmax(zᵢ) and smoothing ε over C classes:
    /// ℓᵢ = −(1−ε) log p[yᵢ] − (ε/C) Σ_c log p[c];  loss = (1/N) Σ_{i not ignored} ℓᵢ.
    /// Gradient: ∂zᵢ = (p − q)/N with q = (1−ε)·onehot(yᵢ) + ε/C.
    /// Shapes: this (logits) n×C, targets length n, result 1×1.
    /// If every target is ignored the loss is 0 with a zero gradient (PyTorch gives NaN).
    /// </summary>
    /// <param name="targets">The class of each row, in [0, C), or <paramref name="ignoreIndex"/>.</param>
    /// <param name="ignoreIndex">Rows with this target (e.g. padding) add nothing to the loss or the count N.</param>
    /// <param name="labelSmoothing">ε in [0, 1].</param>
    public Tensor CrossEntropy(IReadOnlyList<int> targets, int ignoreIndex = -100, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int n = Rows, c = Cols;
        if (targets.Count != n)
            throw new ArgumentException($"CrossEntropy: logits are {Shape} but there are {targets.Count} targets; " +
                "need one per row.");
        if (labelSmoothing < 0 || labelSmoothing > 1 || double.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "CrossEntropy: label " +
                "smoothing must be in [0, 1].");
        var tgt = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++)
        {
            int t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c))
                throw new ArgumentException($"CrossEntropy: target {t} at row {i} is outside [0, {c}) and is not the " +
                    $"ignore index {ignoreIndex}.");
            tgt[i] = t;
            if (t != ignoreIndex) count++;
        }

        var lp = LogSoftmaxValues("CrossEntropy");
        double eps = labelSmoothing;
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            if (tgt[i] == ignoreIndex) continue;
            double row = -(1 - eps) * lp[i + tgt[i] * n];
            if (eps > 0)
            {
                double s = 0;
                for (int j = 0; j < c; j++) s += lp[i + j * n];
                row -= eps / c * s;
            }
            loss += row;
        }
        if (count > 0) loss /= count;

        var self = this;
        return FromOp(Shapes.Wrap(1, 1, [loss]), "CrossEntropy", [this], g =>
        {
            if (count == 0) return;
            double scale = g[0, 0] / count;
            double floor = eps / c, hit = eps / c + (1 - eps);
            var dz = new double[n * c];
            // Column by column (the storage order); rows whose target is ignored keep a zero gradient.
            for (int j = 0; j < c; j++)
            {
                int o = j * n;
                for (int i = 0; i < n; i++)
                {
                    if (tgt[i] == ignoreIndex) continue;
                    dz[o + i] = scale * (Math.Exp(lp[o + i]) - (j == tgt[i] ? hit : floor));
                }
            }
            self.AddGradOwned(Shapes.Wrap(n, c, dz));
        });
    }

    /// <summary>
    /// log softmax of every row, as one column-major array (no autograd node: the caller differentiates it):
    /// yᵢⱼ = (zᵢⱼ − mᵢ) − log Σⱼ exp(zᵢⱼ − mᵢ) with mᵢ the row maximum, the same numbers as <see cref="LogSoftmax"/>.
    /// </summary>
    private double[] LogSoftmaxValues(string op)
    {
        int n = Rows, c = Cols;
        var z = Shapes.Values(Data);
        for (int k = 0; k < z.Length; k++)
        {
            if (double.IsNaN(z[k]) || double.IsPositiveInfinity(z[k]))
                throw new ArgumentException($"{op}: the {Shape} logits have {z[k]} at row {k % n}, column {k / n}; " +
                    "logits must be finite.");
        }
        return SoftmaxFunctions.EachRow(z, n, c, SoftmaxFunctions.LogSoftmaxRow);
    }
}
