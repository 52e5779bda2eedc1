using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>Luong et al.'s (2015) score functions between a decoder state s and an encoder state h.</summary>
public enum LuongScore
{
    /// <summary>score = sᵀh (needs H_dec = D; no parameters).</summary>
    Dot,

    /// <summary>score = sᵀ W_a h (bilinear).</summary>
    General,

    /// <summary>score = v_aᵀ tanh(W_a [s; h]) (additive, as Bahdanau's).</summary>
    Concat,
}

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
            throw new ArgumentException($"LuongSeq2Seq: the dot score needs the decoder size ({hd}) to equal the encoder state size ({d}).");
        if (score == LuongScore.General) Wa = RegisterModule("attn_w", new Linear(d, hd, rng, bias: false));
        if (score == LuongScore.Concat)
        {
            Wa = RegisterModule("attn_w", new Linear(hd, sizes.Attention, rng));
            Ua = RegisterModule("attn_u", new Linear(d, sizes.Attention, rng, bias: false));
            Va = RegisterModule("attn_v", new Linear(sizes.Attention, 1, rng, bias: false));
        }
        Cell = RegisterModule("cell", new GruCell(sizes.Embed, hd, rng));
        Wc = RegisterModule("attn_combine", new Linear(d + hd, hd, rng, bias: false));
        Output = RegisterModule("out", new Linear(hd, sizes.TargetVocab, rng));
    }

    /// <summary>The score function.</summary>
    public LuongScore Score { get; }

    /// <summary>The decoder GRU cell.</summary>
    public GruCell Cell { get; }

    /// <summary>W_c, mixing context and state.</summary>
    public Linear Wc { get; }

    private Linear? Wa { get; }

    private Linear? Ua { get; }

    private Linear? Va { get; }

    /// <inheritdoc/>
    protected override Linear Output { get; }

    /// <inheritdoc/>
    protected override Memory Prepare(Encoded encoded)
    {
        var memory = base.Prepare(encoded);
        return Score switch
        {
            LuongScore.General => memory with { Keys = Wa!.Forward(encoded.States) },   // W_a h_j, so that sᵀ(W_a h_j) is a dot product
            LuongScore.Concat => memory with { Keys = Ua!.Forward(encoded.States) },
            _ => memory with { Keys = encoded.States },
        };
    }

    /// <inheritdoc/>
    protected override (Tensor State, Tensor Features, Tensor? Weights) Advance(Memory memory, Tensor embedded, Tensor state)
    {
        var s = Cell.Forward(embedded, state);
        int b = s.Rows, time = memory.Encoded.Time;
        Tensor scores = Score == LuongScore.Concat
            ? Va!.Forward(SequenceOps.RepeatRows(Wa!.Forward(s), time).Add(memory.Keys!).Tanh()).Reshape(b, time)
            : SequenceOps.RepeatRows(s, time).Mul(memory.Keys!).RowSums().Reshape(b, time);
        var weights = scores.Softmax(memory.Mask);
        var context = SequenceOps.WeightedSum(weights, memory.Encoded.States);
        var attentional = Wc.Forward(Tensor.ConcatCols(context, s)).Tanh();
        return (s, attentional, weights);
    }
}
