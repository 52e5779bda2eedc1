using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Autograd;

/// <summary>Shape checks and raw-array access shared by the operations.</summary>
internal static class Shapes
{
    /// <summary>The column-major value array of a dense matrix (no copy).</summary>
    public static double[] Values(Matrix<double> m) =>
        (m as DenseMatrix ?? throw new InvalidOperationException("Internal: expected a dense matrix.")).Values;

    public static DenseMatrix Dense(int rows, int cols) => new(rows, cols);

    /// <summary>The matrix itself if dense, else a dense copy (for caller-supplied masks and seeds, which may be sparse
    /// or diagonal).</summary>
    public static DenseMatrix Dense(Matrix<double> m) => m as DenseMatrix ?? DenseMatrix.OfMatrix(m);

    public static DenseMatrix Wrap(int rows, int cols, double[] values) => new(rows, cols, values);

    public static string Of(Matrix<double> m) => $"{m.RowCount}×{m.ColumnCount}";

    public static void Same(string op, Tensor a, Tensor b, string left = "left", string right = "right")
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
            throw new ArgumentException($"{op}: {left} is {a.Shape}, {right} is {b.Shape}; they must have the same " +
                $"shape.");
    }

    public static void Mask(string op, Tensor x, Matrix<double>? mask)
    {
        if (mask is null) return;
        bool same = mask.RowCount == x.Rows && mask.ColumnCount == x.Cols;
        bool row = mask.RowCount == 1 && mask.ColumnCount == x.Cols;
        if (!same && !row)
            throw new ArgumentException($"{op}: input is {x.Shape}, mask is {Of(mask)}; the mask must " +
                $"be {x.Shape} or 1×{x.Cols}.");
    }

    public static void Finite(string op, Matrix<double> m, string what)
    {
        var v = Values(m);
        for (int k = 0; k < v.Length; k++)
        {
            if (!double.IsFinite(v[k]))
                throw new ArgumentException($"{op}: {what} has a non-finite value {v[k]} at row {k % m.RowCount}, " +
                    $"column {k / m.RowCount}.");
        }
    }
}
