using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>
    /// Matrix product C = op(A)·op(B), where op(X) is X or Xᵀ.
    /// Shapes: op(A) is m×k, op(B) is k×n, C is m×n.
    /// Gradients: for C = A·B, ∂A = ∂C·Bᵀ and ∂B = Aᵀ·∂C (the transposed forms follow from these).
    /// </summary>
    /// <param name="other">The right operand B.</param>
    /// <param name="transposeThis">Use Aᵀ instead of A.</param>
    /// <param name="transposeOther">Use Bᵀ instead of B (e.g. x·Wᵀ in a linear layer, Q·Kᵀ in attention).</param>
    public Tensor MatMul(Tensor other, bool transposeThis = false, bool transposeOther = false)
    {
        ArgumentNullException.ThrowIfNull(other);
        var a = this;
        var b = other;
        int m = transposeThis ? a.Cols : a.Rows;
        int k = transposeThis ? a.Rows : a.Cols;
        int k2 = transposeOther ? b.Cols : b.Rows;
        int n = transposeOther ? b.Rows : b.Cols;
        if (k != k2)
        {
            string left = transposeThis ? $"leftᵀ is {m}×{k} (left is {a.Shape})" : $"left is {a.Shape}";
            string right = transposeOther ? $"rightᵀ is {k2}×{n} (right is {b.Shape})" : $"right is {b.Shape}";
            throw new ArgumentException($"MatMul: {left}, {right}; the inner dimensions {k} and {k2} must agree.");
        }

        var c = Shapes.Dense(m, n);
        Gemm(transposeThis, transposeOther, 1.0, a.Data, b.Data, 0.0, c);
        return FromOp(c, "MatMul", [a, b], g =>
        {
            // C = op(A)·op(B).  Cases (dA, dB):
            //   A·B   : dC·Bᵀ , Aᵀ·dC        Aᵀ·B  : B·dCᵀ , A·dC
            //   A·Bᵀ  : dC·B  , dCᵀ·A        Aᵀ·Bᵀ : Bᵀ·dCᵀ, dCᵀ·Aᵀ
            if (a.RequiresGrad)
            {
                var ga = a.GradBuffer();
                if (!transposeThis) Gemm(false, !transposeOther, 1.0, g, b.Data, 1.0, ga);
                else Gemm(transposeOther, true, 1.0, b.Data, g, 1.0, ga);
            }
            if (b.RequiresGrad)
            {
                var gb = b.GradBuffer();
                if (!transposeOther) Gemm(!transposeThis, false, 1.0, a.Data, g, 1.0, gb);
                else Gemm(true, transposeThis, 1.0, g, a.Data, 1.0, gb);
            }
        });
    }

    /// <summary>C ← α·op(A)·op(B) + β·C through the active MathNet linear-algebra provider (managed
    /// or native BLAS).</summary>
    internal static void Gemm(bool transA, bool transB, double alpha, Matrix<double> a, Matrix<double> b, double beta,
        Matrix<double> c)
    {
        int m = transA ? a.ColumnCount : a.RowCount;
        int n = transB ? b.RowCount : b.ColumnCount;
        int k = transA ? a.RowCount : a.ColumnCount;
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (beta == 0.0) c.Clear();
            else if (beta != 1.0) c.Multiply(beta, c);
            return;
        }
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            transA ? Transpose.Transpose : Transpose.DontTranspose,
            transB ? Transpose.Transpose : Transpose.DontTranspose,
            alpha, Shapes.Values(a), a.RowCount, a.ColumnCount,
            Shapes.Values(b), b.RowCount, b.ColumnCount,
            beta, Shapes.Values(c));
    }
}
