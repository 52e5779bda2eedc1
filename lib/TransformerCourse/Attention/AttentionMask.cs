using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Attention;

/// <summary>
/// Which keys each query of a batch may attend to, described compactly instead of as B matrices:
/// any combination of a causal mask, key lengths (padding), PyTorch-style key-padding flags, one additive
/// T_q×T_k matrix shared by every sequence, and one additive matrix per sequence. For sequence b the mask is
/// M_b[i, j] = (causal and j &gt; i ? −∞ : 0) + (j ≥ length(b) or keyPadding[b, j] ? −∞ : 0) + additive[i, j] +
/// perSequence[b·T_q + i, j].
/// </summary>
/// <remarks>
/// These correspond to PyTorch's <c>is_causal</c>/<c>attn_mask</c> (the causal and additive parts) and
/// <c>key_padding_mask</c> (lengths or flags, true = padding); the per-sequence part to a 3-D <c>attn_mask</c>.
/// A query whose every key is hidden gets zero weights.
/// </remarks>
public sealed class AttentionMask
{
    /// <summary>Creates a mask from any of its parts (all optional).</summary>
    /// <param name="causal">Hide keys after the query's position (j &gt; i).</param>
    /// <param name="keyLengths">Per sequence, keys at positions ≥ length are hidden (B values).</param>
    /// <param name="keyPadding">B×T_k flags, true = hidden key (PyTorch's <c>key_padding_mask</c>).</param>
    /// <param name="additive">A T_q×T_k matrix added to every sequence's scores (0/−∞, or any finite bias).</param>
    /// <param name="perSequence">A (B·T_q)×T_k matrix: rows [b·T_q, (b+1)·T_q) are added to
    /// sequence b's scores.</param>
    public AttentionMask(bool causal = false, int[]? keyLengths = null, bool[,]? keyPadding = null,
        Matrix<double>? additive = null,
        Matrix<double>? perSequence = null)
    {
        Causal = causal;
        KeyLengths = keyLengths is null ? null : (int[])keyLengths.Clone();
        KeyPadding = keyPadding is null ? null : (bool[,])keyPadding.Clone();
        Additive = CheckAdditive(additive?.Clone(), "additive");
        PerSequence = CheckAdditive(perSequence?.Clone(), "per-sequence");
    }

    private static Matrix<double>? CheckAdditive(Matrix<double>? m, string what)
    {
        if (m is null) return null;
        foreach (var x in m.Enumerate())
        {
            if (double.IsNaN(x) || double.IsPositiveInfinity(x))
                throw new ArgumentException($"AttentionMask: the {what} mask contains {x}; use 0 (visible), −∞ " +
                    $"(hidden) or a finite bias.");
        }
        return m;
    }

    /// <summary>No masking: every query sees every key.</summary>
    public static AttentionMask None { get; } = new();

    /// <summary>Hide keys after the query's position (the decoder's look-ahead mask).</summary>
    public bool Causal { get; }

    /// <summary>Per-sequence key lengths, or null.</summary>
    public int[]? KeyLengths { get; }

    /// <summary>B×T_k key-padding flags (true = hidden), or null.</summary>
    public bool[,]? KeyPadding { get; }

    /// <summary>The T_q×T_k additive mask shared by all sequences, or null.</summary>
    public Matrix<double>? Additive { get; }

    /// <summary>The (B·T_q)×T_k per-sequence additive masks, or null.</summary>
    public Matrix<double>? PerSequence { get; }

    /// <summary>Whether this mask hides nothing.</summary>
    public bool IsEmpty
        => !Causal && KeyLengths is null && KeyPadding is null && Additive is null && PerSequence is null;

    /// <summary>The padding mask of a batch of keys (from its lengths), optionally also causal.</summary>
    public static AttentionMask ForKeys(SequenceBatch keys, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new AttentionMask(causal, keys.HasPadding ? keys.Lengths : null);
    }

    /// <summary>The causal mask only.</summary>
    public static AttentionMask CausalOnly { get; } = new(causal: true);

    /// <summary>Checks the parts against a batch of B sequences with T_q queries and T_k keys each.</summary>
    internal void Validate(string op, int batch, int tq, int tk)
    {
        if (KeyLengths is not null)
        {
            if (KeyLengths.Length != batch)
                throw new ArgumentException($"{op}: the mask has {KeyLengths.Length} key lengths for a batch " +
                    $"of {batch} sequences.");
            for (int b = 0; b < batch; b++)
            {
                if (KeyLengths[b] < 0 || KeyLengths[b] > tk)
                    throw new ArgumentException($"{op}: key length {KeyLengths[b]} of sequence {b} is outside " +
                        $"[0, {tk}].");
            }
        }
        if (KeyPadding is not null && (KeyPadding.GetLength(0) != batch || KeyPadding.GetLength(1) != tk))
            throw new ArgumentException($"{op}: key padding flags " +
                $"are {KeyPadding.GetLength(0)}×{KeyPadding.GetLength(1)} but must be B×T_k = {batch}×{tk}.");
        if (Additive is not null && (Additive.RowCount != tq || Additive.ColumnCount != tk))
            throw new ArgumentException($"{op}: the additive mask is {Additive.RowCount}×{Additive.ColumnCount} but " +
                $"must be T_q×T_k = {tq}×{tk}.");
        if (PerSequence is not null && (PerSequence.RowCount != batch * tq || PerSequence.ColumnCount != tk))
            throw new ArgumentException(
                $"{op}: the per-sequence mask is {PerSequence.RowCount}×{PerSequence.ColumnCount} " +
                $"but must be (B·T_q)×T_k = {batch * tq}×{tk}.");
    }

    /// <summary>
    /// Writes sequence b's additive mask, row-major (entry i·T_k + j), into <paramref name="dest"/> (length T_q·T_k).
    /// Returns false, writing nothing, when this sequence has nothing masked.
    /// </summary>
    internal bool Fill(int b, int tq, int tk, Span<double> dest)
    {
        int length = KeyLengths?[b] ?? tk;
        bool padded = length < tk;
        if (!padded && KeyPadding is not null)
        {
            for (int j = 0; j < tk && !padded; j++) padded = KeyPadding[b, j];
        }
        if (!Causal && !padded && Additive is null && PerSequence is null) return false;
        for (int i = 0; i < tq; i++)
        {
            for (int j = 0; j < tk; j++)
            {
                bool hidden = (Causal && j > i) || j >= length || (KeyPadding is not null && KeyPadding[b, j]);
                dest[i * tk + j] = hidden ? double.NegativeInfinity
                    : (Additive?[i, j] ?? 0.0) + (PerSequence?[b * tq + i, j] ?? 0.0);
            }
        }
        return true;
    }

    /// <summary>Sequence b's additive mask as a T_q×T_k matrix (0 = visible, −∞ = hidden).</summary>
    public Matrix<double> ForSequence(int b, int tq, int tk)
    {
        var values = new double[tq * tk];
        Fill(b, tq, tk, values);
        return DenseMatrix.Create(tq, tk, (i, j) => values[i * tk + j]);
    }

    /// <summary>Every sequence's mask stacked as a (B·T_q)×T_k matrix (row b·T_q + i), in the batch layout.</summary>
    public Matrix<double> ToMatrix(int batch, int tq, int tk)
    {
        Validate("AttentionMask.ToMatrix", batch, tq, tk);
        var result = new DenseMatrix(batch * tq, tk);
        for (int b = 0; b < batch; b++) result.SetSubMatrix(b * tq, 0, ForSequence(b, tq, tk));
        return result;
    }
}
