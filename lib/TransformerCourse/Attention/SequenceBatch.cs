namespace TransformerCourse.Attention;

/// <summary>
/// The shape of a batch of padded sequences: <see cref="Batch"/> sequences (B), each padded to
/// <see cref="Time"/> positions (T), with the true length of each. This is the one batch layout of the course.
/// </summary>
/// <remarks>
/// <para><b>The layout</b> (used by every attention and Transformer module):</para>
/// <list type="bullet">
/// <item>A batch is one 2-D tensor of (B·T)×d_model: row <c>b·T + t</c> is token t of sequence b.
/// Sequence b occupies the T consecutive rows starting at <c>b·T</c>; positions t ≥ length(b) are padding.</item>
/// <item>Token ids for a batch are an <c>int[]</c> of length B·T in the same order (padding positions hold
/// the pad id).</item>
/// <item>Attention heads are column blocks: head h of a (B·T)×(h·d_k) tensor is columns [h·d_k, (h+1)·d_k).</item>
/// <item>Masks are additive (0 = visible, −∞ = hidden) per sequence, a T_q×T_k matrix added to the scores
/// QKᵀ/√d_k before the softmax; or are described by lengths (see <see cref="AttentionMask"/>).
/// Padding is masked on the <i>keys</i>: a padded query row still gets an output (ignored by the loss).</item>
/// <item>Attention weights are kept as B×h×T_q×T_k numbers (see <see cref="AttentionWeights"/>), as PyTorch's.</item>
/// </list>
/// <para>Example: two sequences "a b c" and "d e" with T = 3 are rows 0,1,2 (a, b, c) and 3,4,5 (d, e, pad);
/// <c>new SequenceBatch(2, 3, [3, 2])</c>.</para>
/// </remarks>
public sealed class SequenceBatch
{
    /// <summary>Describes B sequences padded to T positions; <paramref name="lengths"/> (B values in [0, T]) defaults
    /// to all T (no padding).</summary>
    public SequenceBatch(int batch, int time, int[]? lengths = null)
    {
        if (batch <= 0 || time <= 0)
            throw new ArgumentException($"SequenceBatch: batch and time must be positive, got B={batch}, T={time}.");
        if (lengths is not null)
        {
            if (lengths.Length != batch)
                throw new ArgumentException($"SequenceBatch: {lengths.Length} lengths given for a batch " +
                    $"of {batch} sequences.");
            for (int b = 0; b < batch; b++)
            {
                if (lengths[b] < 0 || lengths[b] > time)
                    throw new ArgumentException($"SequenceBatch: length {lengths[b]} of sequence {b} is outside " +
                        $"[0, {time}].");
            }
            lengths = (int[])lengths.Clone();
        }
        Batch = batch;
        Time = time;
        Lengths = lengths;
    }

    /// <summary>B, the number of sequences.</summary>
    public int Batch { get; }

    /// <summary>T, the padded length of every sequence.</summary>
    public int Time { get; }

    /// <summary>The true length of each sequence (B values), or null when no sequence is padded.</summary>
    public int[]? Lengths { get; }

    /// <summary>B·T, the number of rows of a batch tensor.</summary>
    public int Rows => Batch * Time;

    /// <summary>Whether some sequence is shorter than T.</summary>
    public bool HasPadding => Lengths is not null && Lengths.Any(l => l < Time);

    /// <summary>The true length of sequence b.</summary>
    public int Length(int b) => Lengths?[b] ?? Time;

    /// <summary>The row of token t of sequence b, <c>b·T + t</c>.</summary>
    public int Row(int b, int t) => b * Time + t;

    /// <summary>Whether position t of sequence b is padding.</summary>
    public bool IsPad(int b, int t) => t >= Length(b);

    /// <summary>A batch of B sequences of T tokens each, none padded.</summary>
    public static SequenceBatch Full(int batch, int time) => new(batch, time);

    /// <summary>A batch of one sequence of length T.</summary>
    public static SequenceBatch Single(int time) => new(1, time);

    /// <summary>
    /// Lays out token sequences of different lengths as one padded batch: returns the B·T ids (row b·T+t),
    /// padded with <paramref name="padId"/>, and the batch shape (T = the longest, or <paramref
    /// name="time"/> if given).
    /// </summary>
    public static (int[] Ids, SequenceBatch Batch) Pad(IReadOnlyList<IReadOnlyList<int>> sequences, int padId,
        int? time = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("SequenceBatch.Pad: no sequences given.");
        int longest = sequences.Max(s => s.Count);
        int t = time ?? Math.Max(1, longest);
        if (longest > t)
            throw new ArgumentException($"SequenceBatch.Pad: a sequence has {longest} tokens but T is {t}.");
        var ids = new int[sequences.Count * t];
        Array.Fill(ids, padId);
        var lengths = new int[sequences.Count];
        for (int b = 0; b < sequences.Count; b++)
        {
            lengths[b] = sequences[b].Count;
            for (int i = 0; i < sequences[b].Count; i++) ids[b * t + i] = sequences[b][i];
        }
        return (ids, new SequenceBatch(sequences.Count, t, lengths));
    }

    /// <summary>Checks that a tensor has this batch's B·T rows; <paramref name="op"/> names the caller
    /// in the error.</summary>
    internal void CheckRows(string op, Autograd.Tensor x, string what = "input")
    {
        if (x.Rows != Rows)
            throw new ArgumentException($"{op}: {what} is {x.Shape} but the batch has B={Batch} sequences of " +
                $"T={Time} positions, so it needs B·T = {Rows} rows.");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"SequenceBatch(B={Batch}, T={Time}" +
        $"{(Lengths is null ? "" : ", lengths [" + string.Join(", ", Lengths) + "]")})";
}
