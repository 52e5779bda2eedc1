using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse;

/// <summary>
/// The softmax family as plain functions on vectors and matrix rows:
/// softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m), with m = maxⱼ xⱼ.
/// Subtracting the maximum changes nothing mathematically (it cancels) but keeps every exponent ≤ 0,
/// so logits of ±1e4 give no overflow, NaN or Inf.
/// </summary>
/// <remarks>
/// Masks: an additive mask adds 0 (visible) or −∞ (hidden) to a logit before the softmax, so hidden
/// positions get probability exactly 0. A row whose every position is hidden has no distribution;
/// by this library's convention its softmax is all zeros (not NaN, as PyTorch gives), its log-softmax
/// is all −∞, and its gradient is zero.
/// </remarks>
public static class SoftmaxFunctions
{
    /// <summary>
    /// softmax(x / T): a probability vector (entries ≥ 0, sum 1). Temperature T &gt; 0; small T sharpens, large T
    /// flattens. A T so small that x / T overflows is an error that names the temperature (the logits are fine).
    /// </summary>
    public static Vector<double> Of(Vector<double> logits, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        CheckTemperature("Softmax", temperature);
        var row = logits.ToArray();
        CheckLogits("Softmax", row);
        DivideByTemperature("Softmax", row, temperature, keep: null);
        var p = new double[row.Length];
        SoftmaxRow(row, p);
        return DenseVector.OfArray(p);
    }

    /// <summary>
    /// Softmax over the visible positions only (keep[i] true); hidden positions get 0. All hidden gives all zeros.
    /// </summary>
    public static Vector<double> Masked(Vector<double> logits, IReadOnlyList<bool> keep, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(keep);
        if (keep.Count != logits.Count)
            throw new ArgumentException($"SoftmaxFunctions.Masked: logits have {logits.Count} entries, the mask has " +
                $"{keep.Count}.");
        CheckTemperature("SoftmaxFunctions.Masked", temperature);
        var row = logits.ToArray();
        CheckLogits("SoftmaxFunctions.Masked", row);
        DivideByTemperature("SoftmaxFunctions.Masked", row, temperature, keep);
        var p = new double[row.Length];
        SoftmaxRow(row, p);
        return DenseVector.OfArray(p);
    }

    /// <summary>log softmax(x)ᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m), computed without forming the probabilities.</summary>
    public static Vector<double> Log(Vector<double> logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var row = logits.ToArray();
        CheckLogits("LogSoftmax", row);
        var y = new double[row.Length];
        LogSoftmaxRow(row, y);
        return DenseVector.OfArray(y);
    }

    /// <summary>The Jacobian ∂pᵢ/∂xⱼ = pᵢ(δᵢⱼ − pⱼ) = diag(p) − p pᵀ of p = softmax(x), an n×n matrix.</summary>
    public static Matrix<double> Jacobian(Vector<double> logits)
    {
        var p = Of(logits);
        return DenseMatrix.OfDiagonalVector(p) - p.OuterProduct(p);
    }

    /// <summary>
    /// Row-wise softmax of a matrix, with an optional additive mask (same shape, or 1×cols for every row).
    /// </summary>
    public static Matrix<double> Rows(Matrix<double> logits, Matrix<double>? additiveMask = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        int rows = logits.RowCount, cols = logits.ColumnCount;
        var z = MaskedLogits("Softmax", logits, additiveMask);
        return DenseMatrix.Build.Dense(rows, cols, EachRow(z, rows, cols, (row, p) => SoftmaxRow(row, p)));
    }

    /// <summary>A function of one row, written into <paramref name="y"/> (which may be <paramref name="z"/>).</summary>
    internal delegate void RowFunction(ReadOnlySpan<double> z, Span<double> y);

    /// <summary>
    /// y = f(z) row by row, for a column-major rows×cols array z: each row is copied out, transformed by the shared
    /// row routine (<see cref="SoftmaxRow"/> or <see cref="LogSoftmaxRow"/>) and copied back.
    /// </summary>
    internal static double[] EachRow(double[] z, int rows, int cols, RowFunction f)
    {
        var y = GC.AllocateUninitializedArray<double>(rows * cols); // every entry is written below
        var row = new double[cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) row[j] = z[i + j * rows];
            f(row, row);
            for (int j = 0; j < cols; j++) y[i + j * rows] = row[j];
        }
        return y;
    }

    /// <summary>
    /// Z = X + mask as a column-major array (the mask rows×cols, or 1×cols for every row), after checking the shapes,
    /// that X has no NaN or +∞ and that the mask holds only finite values or −∞. Shared by <see cref="Rows"/> and
    /// the autograd softmax and log-softmax.
    /// </summary>
    internal static double[] MaskedLogits(string op, Matrix<double> x, Matrix<double>? mask)
    {
        int rows = x.RowCount, cols = x.ColumnCount;
        string shape = $"{rows}×{cols}";
        if (mask is not null && (mask.ColumnCount != cols || mask.RowCount != rows && mask.RowCount != 1))
            throw new ArgumentException($"{op}: input is {shape}, mask is {mask.RowCount}×{mask.ColumnCount}; the " +
                $"mask must be {shape} or 1×{cols}.");
        var z = x.ToColumnMajorArray();
        for (int k = 0; k < z.Length; k++)
        {
            if (double.IsNaN(z[k]) || double.IsPositiveInfinity(z[k]))
                throw new ArgumentException($"{op}: the {shape} input has {z[k]} at row {k % rows}, column " +
                    $"{k / rows}; logits must be finite.");
        }
        if (mask is not null)
        {
            var mv = mask.ToColumnMajorArray();
            bool perRow = mask.RowCount == 1 && rows != 1;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++)
                {
                    double m = perRow ? mv[j] : mv[i + j * rows];
                    if (double.IsNaN(m) || double.IsPositiveInfinity(m))
                        throw new ArgumentException($"{op}: mask has {m} at row {(perRow ? 0 : i)}, column {j}; use " +
                            "0 (visible) or −∞ (hidden).");
                    z[i + j * rows] += m;
                }
            }
        }
        return z;
    }

    internal static void CheckTemperature(string op, double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature,
                $"{op}: the temperature is {temperature.ToString("R", CultureInfo.InvariantCulture)}; " +
                "it must be a positive finite number.");
    }

    /// <summary>
    /// row ← row / T in place (hidden positions, keep[i] false, become −∞). A finite logit whose quotient is not
    /// finite overflowed because T is too small: that is reported as the temperature's fault, with both numbers.
    /// </summary>
    private static void DivideByTemperature(string op, double[] row, double temperature, IReadOnlyList<bool>? keep)
    {
        for (int i = 0; i < row.Length; i++)
        {
            if (keep is not null && !keep[i])
            {
                row[i] = double.NegativeInfinity;
                continue;
            }
            double z = row[i] / temperature;
            if (double.IsFinite(row[i]) && !double.IsFinite(z))
                throw new ArgumentOutOfRangeException(nameof(temperature), temperature,
                    $"{op}: logit {i} of {row.Length} ({row[i].ToString("R", CultureInfo.InvariantCulture)}) divided " +
                    $"by the temperature {temperature.ToString("R", CultureInfo.InvariantCulture)} overflows to {z}; " +
                    "the temperature is too small for these logits (|logit| / T must stay below 1.8e308).");
            row[i] = z;
        }
    }

    internal static void CheckLogits(string op, double[] row)
    {
        for (int i = 0; i < row.Length; i++)
        {
            if (double.IsNaN(row[i]) || double.IsPositiveInfinity(row[i]))
                throw new ArgumentException(
                    $"{op}: logit {i} of {row.Length} is {row[i]}; logits must be finite (−∞ is allowed as a mask).");
        }
    }

    /// <summary>
    /// p = softmax(z) for one row, the routine every softmax in the library uses; a row with no finite entry gives
    /// zeros. <paramref name="p"/> may be <paramref name="z"/> itself. Returns Σ exp(zᵢ − max), 0 for such a row (a
    /// non-finite sum means a NaN or +∞ logit).
    /// </summary>
    internal static double SoftmaxRow(ReadOnlySpan<double> z, Span<double> p)
    {
        double max = double.NegativeInfinity;
        foreach (var v in z) if (v > max) max = v;
        if (double.IsNegativeInfinity(max))
        {
            p.Clear();
            return 0.0;
        }
        double sum = 0;
        for (int i = 0; i < z.Length; i++)
        {
            p[i] = Math.Exp(z[i] - max);
            sum += p[i];
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < z.Length; i++) p[i] *= inv;
        return sum;
    }

    /// <summary>
    /// y = log softmax(z) for one row, the routine every log-softmax in the library uses (cross-entropy too);
    /// a row with no finite entry gives −∞ everywhere. <paramref name="y"/> may be <paramref name="z"/> itself.
    /// </summary>
    internal static void LogSoftmaxRow(ReadOnlySpan<double> z, Span<double> y)
    {
        double max = double.NegativeInfinity;
        foreach (var v in z) if (v > max) max = v;
        if (double.IsNegativeInfinity(max))
        {
            y.Fill(double.NegativeInfinity);
            return;
        }
        double sum = 0;
        for (int i = 0; i < z.Length; i++) sum += Math.Exp(z[i] - max);
        double logSum = Math.Log(sum);
        // (z − m) − log Σ, not z − (m + log Σ): for logits near ±1e4 the latter rounds m + log Σ to an ulp
        // of 1e4 (~1e-12).
        for (int i = 0; i < z.Length; i++) y[i] = (z[i] - max) - logSum;
    }
}
