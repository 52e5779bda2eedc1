using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;

namespace TransformerCourse.Transformer;

/// <summary>The Transformer as a <see cref="Seq2SeqModel"/>: batches from the data pipeline,
/// and token-by-token generation.</summary>
public sealed partial class Seq2SeqTransformer
{
    /// <inheritdoc/>
    public override int TargetVocabSize => TargetEmbedding.VocabSize;

    /// <inheritdoc/>
    public override Tensor Logits(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(batch.Source.FlatIds(), Layout(batch.Source), batch.DecoderInput.FlatIds(),
            Layout(batch.DecoderInput));
    }

    /// <summary>The cross-attention of every decoder layer for a teacher-forced batch
    /// (after <see cref="Logits(Seq2SeqBatch)"/>).</summary>
    public IReadOnlyList<AttentionWeights?> CrossAttention => Body.Decoder.CrossAttentionWeights;

    private static SequenceBatch Layout(Batch b) => new(b.Size, b.Time, b.Lengths);

    /// <summary>Whether <see cref="Start"/> and <see cref="Step"/> decode with a KV cache (the default): each step
    /// then runs only the new token through the decoder (<see cref="CachedDecoding"/>), against the self-attention
    /// keys and values of the earlier positions and the memory's keys and values projected once per source. False:
    /// each step reruns the whole prefix. Both give the same log-probabilities up to rounding.</summary>
    public bool UseCache { get; set; } = true;

    /// <inheritdoc/>
    public override DecoderState Start(Batch source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var layout = Layout(source);
        var memory = Encode(source.FlatIds(), layout);
        if (UseCache)
            return new CachedState(CachedDecoding.Start(this, memory, layout), Enumerable.Range(0, source.Size)
                .ToArray(), 0);
        return new State(memory, source.Lengths, source.Time,
            Enumerable.Range(0, source.Size).Select(_ => Array.Empty<int>()).ToArray(),
            Enumerable.Range(0, source.Size).ToArray());
    }

    /// <summary>
    /// Uncached: appends each hypothesis's previous token to its prefix and runs the decoder over the whole prefix
    /// (causal, so the earlier positions are unchanged); cached: runs only the previous token, at the next position.
    /// The last position gives the next token's log-probabilities, and the last layer's cross-attention (averaged
    /// over heads) at that position is the attention returned.
    /// </summary>
    public override StepResult Step(DecoderState state, IReadOnlyList<int> previous)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (state is CachedState cached) return CachedStep(cached, previous);
        var st = state as State ?? throw new ArgumentException("Step: the state was not made by this model.");
        if (previous.Count != st.Count)
            throw new ArgumentException($"Step: {previous.Count} previous tokens for {st.Count} hypotheses.");
        int n = st.Count;
        var prefixes = st.Prefixes.Select((p, i) => (int[])[.. p, previous[i]]).ToArray();
        int t = prefixes[0].Length;
        var ids = prefixes.SelectMany(p => p).ToArray();
        var sourceLayout = new SequenceBatch(n, st.SourceTime, st.Lengths);
        var decoded = Decode(ids, SequenceBatch.Full(n, t), st.Memory, sourceLayout);
        var last = decoded.GatherRows(Enumerable.Range(0, n).Select(b => b * t + t - 1).ToArray());
        var logProbs = Logits(last).LogSoftmax();
        Matrix<double>? attention = null;
        if (Body.Decoder.CrossAttentionWeights[^1] is { } weights)
        {
            attention = Matrix<double>.Build.Dense(n, st.SourceTime);
            for (int b = 0; b < n; b++) attention.SetRow(b, weights.MeanOverHeads(b).Row(t - 1));
        }
        return new StepResult(logProbs.Data, attention,
            new State(st.Memory, st.Lengths, st.SourceTime, prefixes, st.SourceRows));
    }

    private sealed class State(Tensor memory, int[] lengths, int sourceTime, int[][] prefixes, int[] sources)
        : DecoderState
    {
        public Tensor Memory => memory;

        public int[] Lengths => lengths;

        public int SourceTime => sourceTime;

        public int[][] Prefixes => prefixes;

        public int[] SourceRows => sources;

        public override int Count => prefixes.Length;

        public override IReadOnlyList<int> Sources => sources;

        public override DecoderState Select(IReadOnlyList<int> rows)
        {
            var memoryRows = rows.SelectMany(r => Enumerable.Range(r * sourceTime, sourceTime)).ToArray();
            return new State(memory.GatherRows(memoryRows), rows.Select(r => lengths[r]).ToArray(), sourceTime,
                rows.Select(r => prefixes[r]).ToArray(), rows.Select(r => sources[r]).ToArray());
        }
    }

    private StepResult CachedStep(CachedState state, IReadOnlyList<int> previous)
    {
        if (previous.Count != state.Count)
            throw new ArgumentException($"Step: {previous.Count} previous tokens for {state.Count} hypotheses.");
        // The cache grows in place; a state stepped before (its cache already longer) continues from a copy.
        var cache = state.Cache.Length == state.Length ? state.Cache
            : state.Cache.Select(Enumerable.Range(0, state.Count).ToArray(), state.Length);
        var logProbs = Logits(CachedDecoding.Step(this, cache, previous)).LogSoftmax();
        return new StepResult(logProbs.Data, cache.Layers[^1].LastCrossWeights,
            new CachedState(cache, state.SourceRows, cache.Length));
    }

    /// <summary>The decoder state with a KV cache after <paramref name="length"/> positions; a step appends to the
    /// cache in place and returns a state of one more position (states stay immutable: the positions up to
    /// <paramref name="length"/> never change).</summary>
    private sealed class CachedState(KvCache cache, int[] sources, int length) : DecoderState
    {
        public KvCache Cache => cache;

        public int Length => length;

        public int[] SourceRows => sources;

        public override int Count => cache.Batch;

        public override IReadOnlyList<int> Sources => sources;

        public override DecoderState Select(IReadOnlyList<int> rows) =>
            new CachedState(cache.Select(rows, length), rows.Select(r => sources[r]).ToArray(), length);
    }
}
