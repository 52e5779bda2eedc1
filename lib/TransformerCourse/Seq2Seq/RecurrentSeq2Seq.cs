using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>What the decoder reads from the encoder at every step: the states, their layout, and anything precomputed
/// from them.</summary>
/// <param name="Encoded">The encoder's output.</param>
/// <param name="Layout">B, S and the source lengths (attention gives padding weight 0).</param>
/// <param name="Keys">A projection of the states computed once per batch (U·h_j for additive
/// attention, W_h·h_j for Luong's concat score), or null.</param>
public sealed record Memory(Encoded Encoded, SequenceBatch Layout, Tensor? Keys)
{
    /// <summary>The memory of the given sources only (rows may repeat): the rows of the states and of the keys
    /// already projected, so that beam search never projects the encoder states again.</summary>
    public Memory Select(IReadOnlyList<int> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var encoded = Encoded.Select(sources);
        int time = Encoded.Time;
        var keyRows = sources.SelectMany(b => Enumerable.Range(b * time, time)).ToArray();
        return new Memory(encoded, new SequenceBatch(encoded.Batch, time, encoded.Lengths), Keys?.GatherRows(keyRows));
    }
}

/// <summary>
/// The shared skeleton of the GRU encoder–decoders: a <see cref="GruEncoder"/>, a target embedding, a bridge
/// s₀ = tanh(W_b h_final + b_b) from the encoder's final state to the decoder's first, a decoder step that each model
/// defines, and an output layer that turns each step's features into next-token logits.
/// </summary>
public abstract class RecurrentSeq2Seq : Seq2SeqModel
{
    /// <summary>Builds the encoder, target embedding and bridge; the subclass adds its decoder cell
    /// and output layer.</summary>
    protected RecurrentSeq2Seq(Seq2SeqSizes sizes, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        Sizes = sizes;
        Encoder = RegisterModule("encoder",
            new GruEncoder(sizes.SourceVocab, sizes.Embed, sizes.EncoderHidden, rng, sizes.Bidirectional));
        TargetEmbedding = RegisterModule("embedding",
            new Embedding(sizes.TargetVocab, sizes.Embed, rng, Vocabulary.Pad));
        Bridge = RegisterModule("bridge", new Linear(Encoder.OutputSize, sizes.DecoderHidden, rng));
    }

    /// <summary>The sizes the model was built with.</summary>
    public Seq2SeqSizes Sizes { get; }

    /// <summary>The source encoder.</summary>
    public GruEncoder Encoder { get; }

    /// <summary>The target token embedding.</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>s₀ = tanh(bridge(h_final)).</summary>
    public Linear Bridge { get; }

    /// <summary>Maps a step's features to logits over the target vocabulary.</summary>
    protected abstract Linear Output { get; }

    /// <inheritdoc/>
    public override int TargetVocabSize => Sizes.TargetVocab;

    /// <summary>Precomputes what every decoder step needs from the encoder.</summary>
    protected virtual Memory Prepare(Encoded encoded) =>
        new(encoded, new SequenceBatch(encoded.Batch, encoded.Time, encoded.Lengths), null);

    /// <summary>
    /// One decoder step for n rows: from the embedded previous tokens (n×E) and the previous state s (n×H_dec), the new
    /// state, the features the output layer reads, and the attention weights used (n×S), if any.
    /// </summary>
    protected abstract (Tensor State, Tensor Features, Tensor? Weights) Advance(Memory memory, Tensor embedded,
        Tensor state);

    /// <inheritdoc/>
    public override Tensor Logits(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var memory = Prepare(Encoder.Forward(batch.Source));
        var s = Bridge.Forward(memory.Encoded.Final).Tanh();
        var embedded = TargetEmbedding.Forward(batch.DecoderInput.FlatIds());
        int b = batch.Size, time = batch.DecoderInput.Time;
        var features = new Tensor[time];
        for (int t = 0; t < time; t++)
        {
            (s, features[t], _) = Advance(memory, SequenceOps.Step(embedded, b, t), s);
        }
        return Output.Forward(SequenceOps.StackSteps(features));
    }

    /// <summary>Runs teacher-forced decoding and returns the attention weights of every step: a T×S matrix
    /// for each sequence.</summary>
    public IReadOnlyList<Matrix<double>> AttentionMaps(Seq2SeqBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var noGrad = Tensor.NoGrad();
        var memory = Prepare(Encoder.Forward(batch.Source));
        var s = Bridge.Forward(memory.Encoded.Final).Tanh();
        var embedded = TargetEmbedding.Forward(batch.DecoderInput.FlatIds());
        int b = batch.Size, time = batch.DecoderInput.Time, srcTime = memory.Encoded.Time;
        var maps = Enumerable.Range(0, b).Select(_ => Matrix<double>.Build.Dense(time, srcTime)).ToList();
        for (int t = 0; t < time; t++)
        {
            (s, _, var w) = Advance(memory, SequenceOps.Step(embedded, b, t), s);
            if (w is null) continue;
            for (int i = 0; i < b; i++) maps[i].SetRow(t, w.Data.Row(i));
        }
        return maps;
    }

    /// <inheritdoc/>
    public override DecoderState Start(Batch source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var memory = Prepare(Encoder.Forward(source));
        var s = Bridge.Forward(memory.Encoded.Final).Tanh();
        return new State(this, memory, s, Enumerable.Range(0, source.Size).ToArray());
    }

    /// <inheritdoc/>
    public override StepResult Step(DecoderState state, IReadOnlyList<int> previous)
    {
        var st = state as State ?? throw new ArgumentException("Step: the state was not made by this model.");
        if (previous.Count != st.Count)
            throw new ArgumentException($"Step: {previous.Count} previous tokens for {st.Count} hypotheses.");
        var (s, features, weights) = Advance(st.Memory, TargetEmbedding.Forward(previous), st.S);
        var logProbs = Output.Forward(features).LogSoftmax();
        return new StepResult(logProbs.Data, weights?.Data, new State(this, st.Memory, s, st.SourceRows));
    }

    private sealed class State(RecurrentSeq2Seq model, Memory memory, Tensor s, int[] sources) : DecoderState
    {
        public Memory Memory => memory;

        public Tensor S => s;

        public int[] SourceRows => sources;

        public override int Count => sources.Length;

        public override IReadOnlyList<int> Sources => sources;

        public override DecoderState Select(IReadOnlyList<int> rows) =>
            new State(model, memory.Select(rows), s.GatherRows(rows),
                rows.Select(r => sources[r]).ToArray());
    }
}

/// <summary>The sizes of a GRU encoder–decoder.</summary>
/// <param name="SourceVocab">Source vocabulary size.</param>
/// <param name="TargetVocab">Target vocabulary size V.</param>
/// <param name="Embed">Embedding size E (source and target).</param>
/// <param name="EncoderHidden">Encoder GRU size per direction.</param>
/// <param name="DecoderHidden">Decoder GRU size.</param>
/// <param name="Attention">Size of the additive attention's hidden layer.</param>
/// <param name="Bidirectional">Whether the encoder reads both ways (then D = 2·EncoderHidden).</param>
public sealed record Seq2SeqSizes(int SourceVocab, int TargetVocab, int Embed = 32, int EncoderHidden = 64,
    int DecoderHidden = 128, int Attention = 64, bool Bidirectional = true);
