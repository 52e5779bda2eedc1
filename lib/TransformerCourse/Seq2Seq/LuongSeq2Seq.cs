using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// The encoder–decoder with Luong ("global") attention. The decoder first steps its GRU, then attends with its
/// <em>current</em> state and mixes the context into an attentional state:
/// <code>
/// s_i = GRU(e(y_{i−1}), s_{i−1});  a_ij = softmax_j score(s_i, h_j);  c_i = Σ_j a_ij h_j
/// h̃_i = tanh(W_c [c_i; s_i]);      logits = W_o h̃_i + b_o
/// </code>
/// (Luong's input feeding, which also feeds h̃_{i−1} to the GRU, is left out.)
/// </summary>
public sealed class LuongSeq2Seq : RecurrentSeq2Seq
{
    /// <summary>Creates the model with the given score function.</summary>
    public LuongSeq2Seq(Seq2SeqSizes sizes, LuongScore score, Rng rng) : base(sizes, rng)
    {
        int d = Encoder.OutputSize, hd = sizes.DecoderHidden;
        Score = score;
        if (score == LuongScore.Dot && hd != d)
            throw new ArgumentException($"LuongSeq2Seq: the dot score needs the decoder size ({hd}) to equal the " +
                $"encoder state size ({d}).");
        Attention = RegisterModule("attention", new LuongAttention(score, hd, d, rng, sizes.Attention));
        Cell = RegisterModule("cell", new GruCell(sizes.Embed, hd, rng));
        Wc = RegisterModule("attn_combine", new Linear(d + hd, hd, rng, bias: false));
        Output = RegisterModule("out", new Linear(hd, sizes.TargetVocab, rng));
    }

    /// <summary>The score function.</summary>
    public LuongScore Score { get; }

    /// <summary>The attention (its score function and parameters).</summary>
    public LuongAttention Attention { get; }

    /// <summary>The decoder GRU cell.</summary>
    public GruCell Cell { get; }

    /// <summary>W_c, mixing context and state.</summary>
    public Linear Wc { get; }

    /// <inheritdoc/>
    protected override Linear Output { get; }

    /// <inheritdoc/>
    protected override Memory Prepare(Encoded encoded)
        => base.Prepare(encoded) with { Keys = Attention.ProjectKeys(encoded.States) }; // W_h h once (concat)

    /// <inheritdoc/>
    protected override (Tensor State, Tensor Features, Tensor? Weights) Advance(Memory memory, Tensor embedded,
        Tensor state)
    {
        var s = Cell.Forward(embedded, state);
        var (context, weights) = Attention.Forward(s, memory.Encoded.States, memory.Layout, memory.Keys);
        var attentional = Wc.Forward(Tensor.ConcatCols(context, s)).Tanh();
        return (s, attentional, weights);
    }
}
