using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>
    /// Row-wise softmax: Yᵢⱼ = exp(Zᵢⱼ − mᵢ) / Σₖ exp(Zᵢₖ − mᵢ), with Z = X + mask and mᵢ the row maximum.
    /// Gradient: ∂Xᵢⱼ = Yᵢⱼ (∂Yᵢⱼ − Σₖ ∂Yᵢₖ Yᵢₖ).
    /// </summary>
    /// <param name="additiveMask">Optional; rows×cols or 1×cols (applied to every row); entries 0 (visible)
    /// or −∞ (hidden).
    /// A fully hidden row gives zeros and a zero gradient (see <see cref="SoftmaxFunctions"/>).</param>
    public Tensor Softmax(Matrix<double>? additiveMask = null)
    {
        var (z, rows, cols) = MaskedRows("Softmax", additiveMask);
        var y = SoftmaxFunctions.EachRow(z, rows, cols,
            (row, p) => SoftmaxFunctions.SoftmaxRow(row, p));
        var self = this;
        return FromOp(Shapes.Wrap(rows, cols, y), "Softmax", [this], g =>
        {
            var gv = Shapes.Values(g);
            var gx = new double[rows * cols];
            for (int i = 0; i < rows; i++)
            {
                double dot = 0;
                for (int j = 0; j < cols; j++) dot += gv[i + j * rows] * y[i + j * rows];
                for (int j = 0; j < cols; j++)
                {
                    int k = i + j * rows;
                    gx[k] = y[k] * (gv[k] - dot);
                }
            }
            self.AddGradOwned(Shapes.Wrap(rows, cols, gx));
        });
    }

    /// <summary>
    /// Row-wise log-softmax: Yᵢⱼ = Zᵢⱼ − mᵢ − log Σₖ exp(Zᵢₖ − mᵢ), with Z = X + mask.
    /// Gradient: ∂Xᵢⱼ = ∂Yᵢⱼ − softmax(Z)ᵢⱼ Σₖ ∂Yᵢₖ (hidden positions get none).
    /// </summary>
    /// <param name="additiveMask">As for <see cref="Softmax(Matrix{double})"/>. Hidden positions give −∞; a fully
    /// hidden row is all −∞ with a zero gradient.</param>
    public Tensor LogSoftmax(Matrix<double>? additiveMask = null)
    {
        var (z, rows, cols) = MaskedRows("LogSoftmax", additiveMask);
        var y = SoftmaxFunctions.EachRow(z, rows, cols, SoftmaxFunctions.LogSoftmaxRow);
        var self = this;
        return FromOp(Shapes.Wrap(rows, cols, y), "LogSoftmax", [this], g =>
        {
            var gv = Shapes.Values(g);
            var gx = new double[rows * cols];
            for (int i = 0; i < rows; i++)
            {
                double sum = 0;
                for (int j = 0; j < cols; j++)
                {
                    int k = i + j * rows;
                    if (!double.IsNegativeInfinity(y[k])) sum += gv[k];
                }
                for (int j = 0; j < cols; j++)
                {
                    int k = i + j * rows;
                    gx[k] = double.IsNegativeInfinity(y[k]) ? 0.0 : gv[k] - Math.Exp(y[k]) * sum;
                }
            }
            self.AddGradOwned(Shapes.Wrap(rows, cols, gx));
        });
    }

    /// <summary>Z = X + mask as a column-major array, after checking shapes and that X has no NaN or +∞.</summary>
    private (double[] Z, int Rows, int Cols) MaskedRows(string op, Matrix<double>? mask) =>
        (SoftmaxFunctions.MaskedLogits(op, Data, mask), Rows, Cols);
}
