namespace TransformerCourse.Data;

/// <summary>
/// A batch of B integer sequences of different lengths, padded to a common length T (the longest in the batch).
/// Layout, batch-major: <see cref="Ids"/>[b, t] is the id of token t of sequence b, for b &lt; B, t &lt; T;
/// positions t ≥ <see cref="Lengths"/>[b] hold <see cref="Vocabulary.Pad"/> (0) and have <see cref="Mask"/>[b,
/// t] = false.
/// The library's 2-D tensors put token (b, t) on row b·T + t; <see cref="FlatIds"/> and <see cref="FlatMask"/>
/// give the ids and the mask in exactly that order.
/// </summary>
public sealed class Batch
{
    /// <summary>Token ids, B×T, padded with 0.</summary>
    public int[,] Ids { get; }

    /// <summary>The true length of each sequence (B entries), 0 ≤ Lengths[b] ≤ T.</summary>
    public int[] Lengths { get; }

    /// <summary>Padding mask, B×T: true for a real token (t &lt; Lengths[b]), false for padding.</summary>
    public bool[,] Mask { get; }

    /// <summary>B, the number of sequences.</summary>
    public int Size => Ids.GetLength(0);

    /// <summary>T, the padded length (the longest sequence, or the length asked for).</summary>
    public int Time => Ids.GetLength(1);

    /// <summary>The number of real (non-padding) tokens, Σ_b Lengths[b].</summary>
    public int TokenCount => Lengths.Sum();

    private Batch(int[,] ids, int[] lengths, bool[,] mask)
    {
        Ids = ids;
        Lengths = lengths;
        Mask = mask;
    }

    /// <summary>
    /// Pads <paramref name="sequences"/> with 0 to the longest length, or to <paramref name="padTo"/> when given
    /// (which must be at least the longest). A batch needs at least one sequence.
    /// </summary>
    public static Batch Pad(IReadOnlyList<int[]> sequences, int? padTo = null)
    {
        if (sequences.Count == 0) throw new ArgumentException("Batch.Pad: a batch needs at least one sequence");
        int longest = sequences.Max(s => s.Length);
        int time = padTo ?? longest;
        if (time < longest)
            throw new ArgumentException($"Batch.Pad: padTo {time} is shorter than the longest sequence ({longest})");
        var ids = new int[sequences.Count, time];
        var mask = new bool[sequences.Count, time];
        var lengths = new int[sequences.Count];
        for (int b = 0; b < sequences.Count; b++)
        {
            lengths[b] = sequences[b].Length;
            for (int t = 0; t < sequences[b].Length; t++)
            {
                ids[b, t] = sequences[b][t];
                mask[b, t] = true;
            }
        }
        return new Batch(ids, lengths, mask);
    }

    /// <summary>The ids as one array of B·T entries, entry b·T + t = Ids[b, t] (the row order of
    /// the library's tensors).</summary>
    public int[] FlatIds() => Flatten(Ids);

    /// <summary>The mask as one array of B·T entries, entry b·T + t = Mask[b, t].</summary>
    public bool[] FlatMask() => Flatten(Mask);

    /// <summary>Sequence <paramref name="b"/> without its padding (Lengths[b] ids).</summary>
    public int[] Row(int b) => Enumerable.Range(0, Lengths[b]).Select(t => Ids[b, t]).ToArray();

    private T[] Flatten<T>(T[,] grid)
    {
        var flat = new T[Size * Time];
        for (int b = 0; b < Size; b++)
            for (int t = 0; t < Time; t++)
                flat[b * Time + t] = grid[b, t];
        return flat;
    }
}
