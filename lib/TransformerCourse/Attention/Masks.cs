using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Attention;

/// <summary>
/// Attention masks as plain additive matrices: 0 where a query may look, −∞ where it may not.
/// Added to the scores before the softmax, a −∞ becomes a weight of exactly 0:
/// softmax(s + m)ⱼ = exp(sⱼ + mⱼ) / Σₖ exp(sₖ + mₖ), and exp(−∞) = 0.
/// </summary>
/// <remarks>
/// A row whose every entry is −∞ (a query that may look nowhere, e.g. an empty sequence) gets all-zero weights
/// and a zero output in this library, never NaN (PyTorch gives NaN there).
/// </remarks>
public static class Masks
{
    /// <summary>
    /// The causal (look-ahead) mask for T positions: M[i, j] = 0 for j ≤ i, −∞ for j &gt; i, so position i
    /// sees only itself and earlier positions. Shape T×T (queries × keys).
    /// </summary>
    public static Matrix<double> Causal(int time)
    {
        if (time <= 0) throw new ArgumentException($"Masks.Causal: T must be positive, got {time}.");
        return DenseMatrix.Create(time, time, (i, j) => j > i ? double.NegativeInfinity : 0.0);
    }

    /// <summary>
    /// The padding mask of a batch: M[b, t] = 0 for t &lt; length(b), −∞ for the padding t ≥ length(b).
    /// Shape B×T: row b is added to every query row of sequence b (it hides padded <i>keys</i>).
    /// </summary>
    public static Matrix<double> Padding(IReadOnlyList<int> lengths, int time)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (time <= 0) throw new ArgumentException($"Masks.Padding: T must be positive, got {time}.");
        for (int b = 0; b < lengths.Count; b++)
        {
            if (lengths[b] < 0 || lengths[b] > time)
                throw new ArgumentException($"Masks.Padding: length {lengths[b]} of sequence {b} is outside " +
                    $"[0, {time}].");
        }
        return DenseMatrix.Create(lengths.Count, time, (b, t) => t >= lengths[b] ? double.NegativeInfinity : 0.0);
    }

    /// <summary>
    /// The padding mask of one sequence of the given length as a 1×T row, to be broadcast over its queries.
    /// </summary>
    public static Matrix<double> Padding(int length, int time) => Padding([length], time);

    /// <summary>
    /// Converts PyTorch-style boolean flags (true = hidden) to an additive 0/−∞ matrix of the same shape.
    /// </summary>
    public static Matrix<double> FromFlags(bool[,] hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        return DenseMatrix.Create(hidden.GetLength(0), hidden.GetLength(1),
            (i, j) => hidden[i, j] ? double.NegativeInfinity : 0.0);
    }

    /// <summary>
    /// Combines masks by adding them (a position is hidden if any mask hides it). Each mask is Tq×Tk or a
    /// 1×Tk row broadcast over all queries; the result is Tq×Tk (or 1×Tk if all are rows).
    /// Example: <c>Combine(Causal(T), Padding(length, T))</c> is the decoder self-attention mask of one sequence.
    /// </summary>
    public static Matrix<double> Combine(params Matrix<double>[] masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Length == 0) throw new ArgumentException("Masks.Combine: no masks given.");
        int cols = masks[0].ColumnCount;
        int rows = masks.Max(m => m.RowCount);
        foreach (var m in masks)
        {
            if (m.ColumnCount != cols || (m.RowCount != rows && m.RowCount != 1))
                throw new ArgumentException(
                    $"Masks.Combine: shapes {string.Join(", ", masks.Select(x => $"{x.RowCount}×{x.ColumnCount}"))}; " +
                    $"each must be {rows}×{cols} or 1×{cols}.");
        }
        var result = new DenseMatrix(rows, cols);
        foreach (var m in masks)
        {
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    result[i, j] += m[m.RowCount == 1 ? 0 : i, j];
        }
        return result;
    }

    /// <summary>Whether position (i, j) of an additive mask is hidden (−∞).</summary>
    public static bool IsHidden(Matrix<double> mask, int i, int j) => double.IsNegativeInfinity(mask[i, j]);
}
