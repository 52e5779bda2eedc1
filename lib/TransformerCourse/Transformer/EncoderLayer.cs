using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// One encoder layer (§3.1), as PyTorch's <c>nn.TransformerEncoderLayer</c>: self-attention, then the feed-forward
/// network, each wrapped in a residual connection with layer norm.
/// Post-LN: x = LN₁(x + SA(x)); y = LN₂(x + FF(x)). Pre-LN: x = x + SA(LN₁(x)); y = x + FF(LN₂(x)).
/// </summary>
/// <remarks>
/// <para>Parameters (PyTorch names): <c>self_attn.in_proj_weight</c> [3d, d], <c>self_attn.in_proj_bias</c> [3d],
/// <c>self_attn.out_proj.weight</c> [d, d], <c>self_attn.out_proj.bias</c> [d], <c>linear1.weight</c> [d_ff, d],
/// <c>linear1.bias</c> [d_ff], <c>linear2.weight</c> [d, d_ff], <c>linear2.bias</c> [d], <c>norm1.*</c>, <c>norm2.*</c>
/// [d].</para>
/// <para>Shapes: x (B·T)×d_model in the <see cref="SequenceBatch"/> layout → (B·T)×d_model. Padded keys are hidden;
/// with <c>causal</c> also later positions (a GPT block). The weights of the last call are in
/// <see cref="SelfAttentionWeights"/>.</para>
/// </remarks>
public sealed class EncoderLayer : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="dModel">d_model.</param>
    /// <param name="heads">h.</param>
    /// <param name="dFF">d_ff.</param>
    /// <param name="rng">The random source for the initial weights and dropout.</param>
    /// <param name="dropout">P_drop (PyTorch's default 0.1).</param>
    /// <param name="activation">The feed-forward activation.</param>
    /// <param name="normFirst">Pre-LN (true) or post-LN (false, the paper and PyTorch's default).</param>
    /// <param name="layerNormEps">ε of the layer norms.</param>
    /// <param name="rotary">Optional RoPE for the self-attention.</param>
    /// <param name="kvHeads">g key/value heads (grouped-query attention, see <see cref="MultiHeadAttention"/>);
    /// null means h.</param>
    public EncoderLayer(int dModel, int heads, int dFF, Rng rng, double dropout = 0.1,
        Activation activation = Activation.Relu,
        bool normFirst = false, double layerNormEps = 1e-5, RotaryEmbedding? rotary = null, int? kvHeads = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Placement = normFirst ? NormPlacement.PreLN : NormPlacement.PostLN;
        // Registration order = PyTorch's state_dict order.
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(dModel, heads, rng, dropout, rotary: rotary,
            kvHeads: kvHeads));
        FeedForward = new PositionwiseFeedForward(dModel, dFF, rng, activation, dropout);
        RegisterModule("linear1", FeedForward.Linear1);
        RegisterModule("dropout", FeedForward.Dropout);
        RegisterModule("linear2", FeedForward.Linear2);
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, rng.Fork()));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, rng.Fork()));
    }

    /// <summary>Creates the layer from a configuration.</summary>
    public EncoderLayer(TransformerConfig config, Rng rng, RotaryEmbedding? rotary = null)
        : this(config.Validate().DModel, config.Heads, config.DFF, rng, config.Dropout, config.Activation,
            config.NormFirst, config.LayerNormEps, rotary, config.KvHeads)
    {
    }

    /// <summary>Post-LN or pre-LN.</summary>
    public NormPlacement Placement { get; }

    /// <summary>The self-attention.</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>The feed-forward network (its parameters are registered here as <c>linear1</c>,
    /// <c>linear2</c>).</summary>
    public PositionwiseFeedForward FeedForward { get; }

    /// <summary>The layer norm around self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The layer norm around the feed-forward network.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Dropout on the self-attention output.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the feed-forward output.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>The self-attention weights of the last call, B×h×T×T.</summary>
    public AttentionWeights? SelfAttentionWeights => SelfAttn.LastWeights;

    /// <summary>Encodes a batch; padded keys are hidden, and with <paramref name="causal"/>
    /// later positions too.</summary>
    /// <param name="x">(B·T)×d_model.</param>
    /// <param name="batch">B, T, lengths.</param>
    /// <param name="causal">Use a look-ahead mask (a decoder-only block).</param>
    /// <returns>(B·T)×d_model.</returns>
    public Tensor Forward(Tensor x, SequenceBatch batch, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(x, batch, AttentionMask.ForKeys(batch, causal));
    }

    /// <summary>Encodes a batch with an explicit mask (PyTorch's <c>src_mask</c> and
    /// <c>src_key_padding_mask</c>).</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, AttentionMask mask)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("EncoderLayer", x, "x");
        x = Residual.Apply(x, h => SelfAttn.Forward(h, h, h, batch.Batch, mask), Norm1, Dropout1, Placement);
        return Residual.Apply(x, FeedForward.Forward, Norm2, Dropout2, Placement);
    }
}
