using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// The encoder–decoder with additive attention (Bahdanau, Cho &amp; Bengio, 2015). Before step i the
/// decoder scores every
/// source state against its previous state, turns the scores into weights and reads a context made for this step:
/// <code>
/// e_ij = vᵀ tanh(W s_{i−1} + U h_j)        alignment score
/// a_ij = exp(e_ij) / Σ_k exp(e_ik)          weights ≥ 0, Σ_j a_ij = 1 (padding gets 0)
/// c_i  = Σ_j a_ij h_j                       context
/// s_i  = GRU([e(y_{i−1}); c_i], s_{i−1}),   logits = W_o [s_i; c_i; e(y_{i−1})] + b_o
/// </code>
/// Shapes for B sequences: s B×H_dec, h (B·S)×D, W H_dec→A, U D→A, v A→1, a B×S, c B×D
/// (see <see cref="AdditiveAttention"/>).
/// </summary>
public sealed class BahdanauSeq2Seq : RecurrentSeq2Seq
{
    /// <summary>Creates the model.</summary>
    public BahdanauSeq2Seq(Seq2SeqSizes sizes, Rng rng) : base(sizes, rng)
    {
        int d = Encoder.OutputSize;
        Attention = RegisterModule("attention", new AdditiveAttention(sizes.DecoderHidden, d, sizes.Attention, rng));
        Cell = RegisterModule("cell", new GruCell(sizes.Embed + d, sizes.DecoderHidden, rng));
        Output = RegisterModule("out", new Linear(sizes.DecoderHidden + d + sizes.Embed, sizes.TargetVocab, rng));
    }

    /// <summary>The additive attention (W, U and v).</summary>
    public AdditiveAttention Attention { get; }

    /// <summary>The decoder GRU cell.</summary>
    public GruCell Cell { get; }

    /// <inheritdoc/>
    protected override Linear Output { get; }

    /// <inheritdoc/>
    protected override Memory Prepare(Encoded encoded)
        => base.Prepare(encoded) with { Keys = Attention.ProjectKeys(encoded.States) };

    /// <inheritdoc/>
    protected override (Tensor State, Tensor Features, Tensor? Weights) Advance(Memory memory, Tensor embedded,
        Tensor state)
    {
        var (context, weights) = Attention.Forward(state, memory.Encoded.States, memory.Layout, memory.Keys);
        var s = Cell.Forward(Tensor.ConcatCols(embedded, context), state);
        return (s, Tensor.ConcatCols(s, context, embedded), weights);
    }
}
