using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// The encoder–decoder without attention (Cho et al., 2014; Sutskever et al., 2014): the whole source is squeezed into
/// one fixed-size vector c = h_final, which the decoder reads at every step:
/// sᵢ = GRU([e(yᵢ₋₁); c], sᵢ₋₁),  logits = W_o [sᵢ; c; e(yᵢ₋₁)] + b_o.
/// However long the source, c has D numbers: the bottleneck that attention removes.
/// </summary>
public sealed class GruSeq2Seq : RecurrentSeq2Seq
{
    /// <summary>Creates the model.</summary>
    public GruSeq2Seq(Seq2SeqSizes sizes, Rng rng) : base(sizes, rng)
    {
        int d = Encoder.OutputSize;
        Cell = RegisterModule("cell", new GruCell(sizes.Embed + d, sizes.DecoderHidden, rng));
        Output = RegisterModule("out", new Linear(sizes.DecoderHidden + d + sizes.Embed, sizes.TargetVocab, rng));
    }

    /// <summary>The decoder GRU cell.</summary>
    public GruCell Cell { get; }

    /// <inheritdoc/>
    protected override Linear Output { get; }

    /// <inheritdoc/>
    protected override (Tensor State, Tensor Features, Tensor? Weights) Advance(Memory memory, Tensor embedded,
        Tensor state)
    {
        var context = memory.Encoded.Final;
        var s = Cell.Forward(Tensor.ConcatCols(embedded, context), state);
        return (s, Tensor.ConcatCols(s, context, embedded), null);
    }
}
