using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Nn;

namespace TransformerCourse.Generation;

/// <summary>
/// An encoder–decoder that the trainer and the decoders can drive, whatever is inside (a GRU with or without attention,
/// or a Transformer). Training uses teacher forcing (<see cref="Logits"/>); generation uses <see cref="Start"/> and
/// <see cref="Step"/>, one token at a time.
/// </summary>
public abstract class Seq2SeqModel : Module
{
    /// <summary>The size of the target vocabulary V.</summary>
    public abstract int TargetVocabSize { get; }

    /// <summary>
    /// Teacher-forced next-token logits for every target position: (B·T)×V, row b·T + t scores the token that should
    /// follow <c>DecoderInput[b, 0..t]</c>, i.e. <c>DecoderTarget[b, t]</c>.
    /// </summary>
    public abstract Tensor Logits(Seq2SeqBatch batch);

    /// <summary>Mean cross-entropy over the real (non-padding) target tokens, optionally label-smoothed.</summary>
    public Tensor Loss(Seq2SeqBatch batch, double labelSmoothing = 0.0) =>
        Logits(batch)
            .CrossEntropy(batch.DecoderTarget.FlatIds(), ignoreIndex: Vocabulary.Pad, labelSmoothing: labelSmoothing);

    /// <summary>Encodes a batch of sources and returns the decoder state before the first target token (one hypothesis
    /// per source).</summary>
    public abstract DecoderState Start(Batch source);

    /// <summary>
    /// Feeds each hypothesis its previous token and returns log-probabilities of the next (n×V), the attention over the
    /// source that produced them (n×S, or null), and the new state. Called inside <see cref="Tensor.NoGrad"/>.
    /// </summary>
    public abstract StepResult Step(DecoderState state, IReadOnlyList<int> previous);
}

/// <summary>The decoder's memory for n hypotheses (each tied to one source of the encoded batch).</summary>
public abstract class DecoderState
{
    /// <summary>n, the number of hypotheses.</summary>
    public abstract int Count { get; }

    /// <summary>For each hypothesis, the source (row of the encoded batch) it translates.</summary>
    public abstract IReadOnlyList<int> Sources { get; }

    /// <summary>A state holding the given hypotheses (rows may repeat: beam search copies the best ones).</summary>
    public abstract DecoderState Select(IReadOnlyList<int> rows);
}

/// <summary>What one decoding step returns.</summary>
/// <param name="LogProbs">n×V log-probabilities of the next token.</param>
/// <param name="Attention">n×S attention over the source positions (padding has weight 0), or null.</param>
/// <param name="State">The state after the step.</param>
public sealed record StepResult(Matrix<double> LogProbs, Matrix<double>? Attention, DecoderState State);
