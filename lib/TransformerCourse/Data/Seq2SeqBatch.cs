namespace TransformerCourse.Data;

/// <summary>
/// A training batch for an encoder–decoder, with teacher forcing (see <see cref="TeacherForcing"/>):
/// <see cref="Source"/> is B×S (encoder input), <see cref="DecoderInput"/> and <see cref="DecoderTarget"/> are both
/// B×T with T = longest target + 1 and the same lengths and mask: row b of the input is <c>&lt;bos&gt; y₁…y_n</c>,
/// of the target <c>y₁…y_n &lt;eos&gt;</c>. The loss is summed over <c>DecoderTarget.Mask</c> only.
/// </summary>
public sealed class Seq2SeqBatch
{
    /// <summary>Encoder input ids, B×S, padded with 0; its mask hides padding from attention.</summary>
    public Batch Source { get; }

    /// <summary>Decoder input ids, B×T: <c>&lt;bos&gt;</c> then the target tokens, padded with 0.</summary>
    public Batch DecoderInput { get; }

    /// <summary>Decoder target ids, B×T: the target tokens then <c>&lt;eos&gt;</c>, padded with 0.</summary>
    public Batch DecoderTarget { get; }

    /// <summary>Which examples of the data set are in the batch: row b is example Indices[b].</summary>
    public int[] Indices { get; }

    /// <summary>B, the number of examples.</summary>
    public int Size => Indices.Length;

    private Seq2SeqBatch(Batch source, Batch decoderInput, Batch decoderTarget, int[] indices)
    {
        Source = source;
        DecoderInput = decoderInput;
        DecoderTarget = decoderTarget;
        Indices = indices;
    }

    /// <summary>The batch of examples <paramref name="indices"/> of <paramref name="pairs"/>, in that order.</summary>
    public static Seq2SeqBatch Create(IReadOnlyList<EncodedPair> pairs, IReadOnlyList<int> indices)
    {
        var chosen = indices.Select(i => pairs[i]).ToList();
        return new Seq2SeqBatch(
            Batch.Pad(chosen.Select(p => p.Source).ToList()),
            Batch.Pad(chosen.Select(p => TeacherForcing.DecoderInput(p.Target)).ToList()),
            Batch.Pad(chosen.Select(p => TeacherForcing.DecoderTarget(p.Target)).ToList()),
            [.. indices]);
    }

    /// <summary>
    /// One training epoch: bucketed by source + target length and shuffled (<see cref="Bucketing.Plan"/>), a pure
    /// function of (<paramref name="seed"/>, <paramref name="epoch"/>).
    /// </summary>
    public static IEnumerable<Seq2SeqBatch> Epoch(IReadOnlyList<EncodedPair> pairs, int batchSize, int seed, int epoch,
        int poolSize = 0) =>
        Bucketing.Plan(pairs.Select(p => p.Source.Length + p.Target.Length).ToList(), batchSize, seed, epoch, poolSize)
            .Select(indices => Create(pairs, indices));

    /// <summary>All of <paramref name="pairs"/> in order, in batches of <paramref
    /// name="batchSize"/> (for evaluation).</summary>
    public static IEnumerable<Seq2SeqBatch> InOrder(IReadOnlyList<EncodedPair> pairs, int batchSize) =>
        Bucketing.InOrder(pairs.Count, batchSize).Select(indices => Create(pairs, indices));
}
