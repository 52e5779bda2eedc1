using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// One decoder layer (§3.1), as PyTorch's <c>nn.TransformerDecoderLayer</c>: masked self-attention over the target
/// prefix, cross-attention (queries from the decoder, keys and values from the encoder's memory), then the
/// feed-forward network, each with a residual connection and layer norm.
/// Post-LN: x = LN₁(x + SA(x)); x = LN₂(x + CA(x, m)); y = LN₃(x + FF(x)).
/// Pre-LN: x = x + SA(LN₁(x)); x = x + CA(LN₂(x), m); y = x + FF(LN₃(x)). The memory m is not normalised here.
/// </summary>
/// <remarks>
/// <para>Parameters (PyTorch names): <c>self_attn.*</c>, <c>multihead_attn.*</c> (each as
/// <see cref="MultiHeadAttention"/>),
/// <c>linear1.*</c>, <c>linear2.*</c>, <c>norm1.*</c>, <c>norm2.*</c>, <c>norm3.*</c>.</para>
/// <para>Shapes: x (B·T)×d_model (target), memory (B·S)×d_model (source), result (B·T)×d_model.
/// After each call <see cref="SelfAttentionWeights"/> (B×h×T×T) and <see cref="CrossAttentionWeights"/> (B×h×T×S) hold
/// the weights.</para>
/// </remarks>
public sealed class DecoderLayer : Module
{
    /// <summary>Creates the layer (arguments as <see cref="EncoderLayer"/>; RoPE, if given, is used
    /// in self-attention only).</summary>
    public DecoderLayer(int dModel, int heads, int dFF, Rng rng, double dropout = 0.1,
        Activation activation = Activation.Relu,
        bool normFirst = false, double layerNormEps = 1e-5, RotaryEmbedding? rotary = null, int? kvHeads = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Placement = normFirst ? NormPlacement.PreLN : NormPlacement.PostLN;
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(dModel, heads, rng, dropout, rotary: rotary,
            kvHeads: kvHeads));
        CrossAttn = RegisterModule("multihead_attn", new MultiHeadAttention(dModel, heads, rng, dropout,
            kvHeads: kvHeads));
        FeedForward = new PositionwiseFeedForward(dModel, dFF, rng, activation, dropout);
        RegisterModule("linear1", FeedForward.Linear1);
        RegisterModule("dropout", FeedForward.Dropout);
        RegisterModule("linear2", FeedForward.Linear2);
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, rng.Fork()));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, rng.Fork()));
        Dropout3 = RegisterModule("dropout3", new Dropout(dropout, rng.Fork()));
    }

    /// <summary>Creates the layer from a configuration.</summary>
    public DecoderLayer(TransformerConfig config, Rng rng, RotaryEmbedding? rotary = null)
        : this(config.Validate().DModel, config.Heads, config.DFF, rng, config.Dropout, config.Activation,
            config.NormFirst, config.LayerNormEps, rotary, config.KvHeads)
    {
    }

    /// <summary>Post-LN or pre-LN.</summary>
    public NormPlacement Placement { get; }

    /// <summary>The masked self-attention.</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>The cross-attention over the memory (PyTorch's <c>multihead_attn</c>).</summary>
    public MultiHeadAttention CrossAttn { get; }

    /// <summary>The feed-forward network.</summary>
    public PositionwiseFeedForward FeedForward { get; }

    /// <summary>Layer norm around self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Layer norm around cross-attention.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Layer norm around the feed-forward network.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout on the self-attention output.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the cross-attention output.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Dropout on the feed-forward output.</summary>
    public Dropout Dropout3 { get; }

    /// <summary>The self-attention weights of the last call, B×h×T×T.</summary>
    public AttentionWeights? SelfAttentionWeights => SelfAttn.LastWeights;

    /// <summary>The cross-attention weights of the last call, B×h×T×S: which source positions each
    /// target position read.</summary>
    public AttentionWeights? CrossAttentionWeights => CrossAttn.LastWeights;

    /// <summary>Decodes a target batch against the memory: causal self-attention (and target padding hidden), source
    /// padding hidden.</summary>
    /// <param name="x">(B·T)×d_model.</param>
    /// <param name="batch">The target batch (B, T, lengths).</param>
    /// <param name="memory">(B·S)×d_model, the encoder output.</param>
    /// <param name="memoryBatch">The source batch (B, S, lengths).</param>
    /// <returns>(B·T)×d_model.</returns>
    public Tensor Forward(Tensor x, SequenceBatch batch, Tensor memory, SequenceBatch memoryBatch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(memoryBatch);
        return Forward(x, batch, memory, memoryBatch, AttentionMask.ForKeys(batch, causal: true),
            AttentionMask.ForKeys(memoryBatch));
    }

    /// <summary>Decodes with explicit masks (PyTorch's <c>tgt_mask</c> + <c>tgt_key_padding_mask</c>, and
    /// <c>memory_key_padding_mask</c>).</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, Tensor memory, SequenceBatch memoryBatch,
        AttentionMask selfMask, AttentionMask memoryMask)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(memoryBatch);
        batch.CheckRows("DecoderLayer", x, "x");
        memoryBatch.CheckRows("DecoderLayer", memory, "memory");
        if (memoryBatch.Batch != batch.Batch)
            throw new ArgumentException($"DecoderLayer: the target batch has B={batch.Batch} sequences but the " +
                $"memory has B={memoryBatch.Batch}.");
        x = Residual.Apply(x, h => SelfAttn.Forward(h, h, h, batch.Batch, selfMask), Norm1, Dropout1, Placement);
        x = Residual.Apply(x, h => CrossAttn.Forward(h, memory, memory, batch.Batch, memoryMask), Norm2, Dropout2,
            Placement);
        return Residual.Apply(x, FeedForward.Forward, Norm3, Dropout3, Placement);
    }
}
