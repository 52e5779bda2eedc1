using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;

namespace TransformerCourse.Attention;

/// <summary>The result of one attention call: the output and the weights that made it.</summary>
/// <param name="Output">The weighted sums of the values (one row per query).</param>
/// <param name="Weights">The attention weights (one row per query, one column per key; rows sum to 1).</param>
public sealed record AttentionResult(Tensor Output, Tensor Weights);

/// <summary>
/// Scaled dot-product attention (Vaswani et al. 2017, eq. 1), written out from the autograd primitives for one
/// sequence and one head — the readable version. Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + M) V.
/// </summary>
/// <remarks>
/// The four steps: score every query against every key (Q Kᵀ), scale by 1/√d_k so that the scores' variance does
/// not grow with d_k, turn each row into weights with a softmax (masked keys get −∞, so weight 0), and take the
/// weighted sum of the values. <see cref="MultiHeadAttention"/> calls it once per sequence and head; with
/// <see cref="KernelSwitch.Fused"/> on (the default) it runs instead a
/// fused kernel (<c>Attention/Kernels/FusedAttention.cs</c>)
/// that computes the same numbers for the whole batch and every head in one operation.
/// </remarks>
public static class ScaledDotProductAttention
{
    /// <summary>Attention of T_q queries over T_k keys and values.</summary>
    /// <param name="q">Queries Q, T_q×d_k.</param>
    /// <param name="k">Keys K, T_k×d_k.</param>
    /// <param name="v">Values V, T_k×d_v.</param>
    /// <param name="mask">Optional additive mask M, T_q×T_k or 1×T_k (0 = visible, −∞ = hidden), e.g. from
    /// <see cref="Masks"/>.</param>
    /// <returns>Output T_q×d_v and weights T_q×T_k.</returns>
    public static AttentionResult Forward(Tensor q, Tensor k, Tensor v, Matrix<double>? mask = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Cols != k.Cols || k.Rows != v.Rows)
            throw new ArgumentException(
                $"ScaledDotProductAttention: Q is {q.Shape}, K is {k.Shape}, V is {v.Shape}; Q and K need the same " +
                    "d_k and K and V the same number of rows.");
        double dk = q.Cols;
        var scores = q.MatMul(k, transposeOther: true).Scale(1.0 / Math.Sqrt(dk)); // T_q×T_k
        var weights = scores.Softmax(mask);                                          // rows sum to 1
        var output = weights.MatMul(v);                                              // T_q×d_v
        return new AttentionResult(output, weights);
    }

    /// <summary>
    /// Attention with dropout on the weights, as in training: output = (P ⊙ D) V with P = softmax(Q Kᵀ / √d_k + M)
    /// and D a T_q×T_k matrix of 0 (probability <paramref name="dropout"/>) or 1/(1 − p), drawn row by row from
    /// <paramref name="rng"/>. The returned weights are P, before dropout. Without an rng (evaluation) or with
    /// p = 0 this is <see cref="Forward(Tensor, Tensor, Tensor, Matrix{double})"/>.
    /// </summary>
    /// <param name="q">Queries Q, T_q×d_k.</param>
    /// <param name="k">Keys K, T_k×d_k.</param>
    /// <param name="v">Values V, T_k×d_v.</param>
    /// <param name="mask">Optional additive mask M, T_q×T_k or 1×T_k.</param>
    /// <param name="dropout">The dropout probability p, in [0, 1).</param>
    /// <param name="rng">The random source for the dropout mask; null means no dropout.</param>
    /// <returns>Output T_q×d_v and weights T_q×T_k.</returns>
    public static AttentionResult Forward(Tensor q, Tensor k, Tensor v, Matrix<double>? mask, double dropout, Rng? rng)
    {
        if (dropout < 0 || dropout >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout,
                "ScaledDotProductAttention: dropout must be in [0, 1).");
        var attention = Forward(q, k, v, mask);
        if (rng is null || dropout == 0) return attention;
        var keep = DenseMatrix.Create(q.Rows, k.Rows, 0.0);
        double factor = 1.0 / (1.0 - dropout);
        for (int i = 0; i < q.Rows; i++)
            for (int j = 0; j < k.Rows; j++)
                keep[i, j] = rng.NextDouble() < dropout ? 0.0 : factor;
        var output = attention.Weights.Mul(Tensor.Constant(keep)).MatMul(v);  // (P ⊙ D) V
        return new AttentionResult(output, attention.Weights);
    }
}
