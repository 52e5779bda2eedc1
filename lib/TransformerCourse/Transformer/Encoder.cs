using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// A stack of N encoder layers, optionally followed by a final layer norm (PyTorch's <c>nn.TransformerEncoder</c>
/// with <c>norm</c>): y = LN(layer_N(… layer_1(x))). A pre-LN stack needs the final norm; <c>nn.Transformer</c> adds
/// it for post-LN too.
/// </summary>
/// <remarks>
/// Parameters: <c>layers.{i}.*</c> (as <see cref="EncoderLayer"/>) and <c>norm.weight</c>, <c>norm.bias</c>.
/// Shapes: x (B·T)×d_model → (B·T)×d_model. <see cref="AttentionWeights"/> gives each layer's weights after a call.
/// </remarks>
public sealed class Encoder : Module
{
    private readonly EncoderLayer[] _layers;

    /// <summary>Creates <paramref name="layers"/> (default config.EncoderLayers) layers from a configuration.</summary>
    /// <param name="config">The hyper-parameters.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="finalNorm">Whether to end with a layer norm.</param>
    /// <param name="layers">The number of layers, if not config.EncoderLayers.</param>
    public Encoder(TransformerConfig config, Rng rng, bool finalNorm = true, int? layers = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        var rotary = config.MakeRotary();
        _layers = new EncoderLayer[layers ?? config.EncoderLayers];
        for (int i = 0; i < _layers.Length; i++)
            _layers[i] = RegisterModule($"layers.{i}", new EncoderLayer(config, rng, rotary));
        if (finalNorm) Norm = RegisterModule("norm", new LayerNorm(config.DModel, config.LayerNormEps));
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<EncoderLayer> Layers => _layers;

    /// <summary>The final layer norm, or null.</summary>
    public LayerNorm? Norm { get; }

    /// <summary>Each layer's self-attention weights from the last call (B×h×T×T each).</summary>
    public IReadOnlyList<AttentionWeights?> AttentionWeights => _layers.Select(l => l.SelfAttentionWeights).ToList();

    /// <summary>Runs the stack; padded keys hidden, and later positions too with <paramref name="causal"/>.</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Forward(x, batch, AttentionMask.ForKeys(batch, causal));
    }

    /// <summary>Runs the stack with an explicit mask; x (B·T)×d_model → (B·T)×d_model.</summary>
    public Tensor Forward(Tensor x, SequenceBatch batch, AttentionMask mask)
    {
        foreach (var layer in _layers) x = layer.Forward(x, batch, mask);
        return Norm is null ? x : Norm.Forward(x);
    }
}
