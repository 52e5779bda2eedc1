using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// A stack of N decoder layers, optionally followed by a final layer norm (PyTorch's <c>nn.TransformerDecoder</c>):
/// y = LN(layer_N(… layer_1(x, m), m)), every layer attending to the same memory m.
/// </summary>
/// <remarks>
/// Parameters: <c>layers.{i}.*</c> (as <see cref="DecoderLayer"/>), <c>norm.weight</c>, <c>norm.bias</c>.
/// Shapes: x (B·T)×d_model, memory (B·S)×d_model, y (B·T)×d_model. <see cref="SelfAttentionWeights"/> and
/// <see cref="CrossAttentionWeights"/> give each layer's weights after a call.
/// </remarks>
public sealed class Decoder : Module
{
    private readonly DecoderLayer[] _layers;

    /// <summary>Creates <paramref name="layers"/> (default config.DecoderLayers) layers from a configuration.</summary>
    public Decoder(TransformerConfig config, Rng rng, bool finalNorm = true, int? layers = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        var rotary = config.MakeRotary();
        _layers = new DecoderLayer[layers ?? config.DecoderLayers];
        for (int i = 0; i < _layers.Length; i++)
            _layers[i] = RegisterModule($"layers.{i}", new DecoderLayer(config, rng, rotary));
        if (finalNorm) Norm = RegisterModule("norm", new LayerNorm(config.DModel, config.LayerNormEps));
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<DecoderLayer> Layers => _layers;

    /// <summary>The final layer norm, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>Each layer's masked self-attention weights from the last call (B×h×T×T).</summary>
    public IReadOnlyList<AttentionWeights?> SelfAttentionWeights
        => _layers.Select(l => l.SelfAttentionWeights).ToList();

    /// <summary>Each layer's cross-attention weights from the last call (B×h×T×S).</summary>
    public IReadOnlyList<AttentionWeights?> CrossAttentionWeights
        => _layers.Select(l => l.CrossAttentionWeights).ToList();

    /// <summary>Runs the stack with the standard masks (causal + target padding; source padding).</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, Tensor memory, SequenceBatch memoryBatch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(memoryBatch);
        return Forward(x, batch, memory, memoryBatch, AttentionMask.ForKeys(batch, causal: true),
            AttentionMask.ForKeys(memoryBatch));
    }

    /// <summary>Runs the stack with explicit masks.</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, Tensor memory, SequenceBatch memoryBatch,
        AttentionMask selfMask, AttentionMask memoryMask)
    {
        foreach (var layer in _layers) x = layer.Forward(x, batch, memory, memoryBatch, selfMask, memoryMask);
        return Norm is null ? x : Norm.Forward(x);
    }
}
