using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// The Transformer's encoder-decoder body, as PyTorch's <c>nn.Transformer</c> (no embeddings, no output layer):
/// memory = Encoder(src) (with its final norm), y = Decoder(tgt, memory) (with its final norm).
/// </summary>
/// <remarks>
/// Parameters: <c>encoder.layers.{i}.*</c>, <c>encoder.norm.*</c>, <c>decoder.layers.{i}.*</c>, <c>decoder.norm.*</c>
/// (both final norms always exist, as in <c>nn.Transformer</c>, also for post-LN).
/// Shapes: src (B·S)×d_model, tgt (B·T)×d_model, memory (B·S)×d_model, y (B·T)×d_model.
/// </remarks>
public sealed class EncoderDecoder : Module
{
    /// <summary>Creates the encoder and decoder stacks from a configuration.</summary>
    public EncoderDecoder(TransformerConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config.Validate();
        Encoder = RegisterModule("encoder", new Encoder(config, rng));
        Decoder = RegisterModule("decoder", new Decoder(config, rng));
    }

    /// <summary>The hyper-parameters.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The encoder stack.</summary>
    public Encoder Encoder { get; }

    /// <summary>The decoder stack.</summary>
    public Decoder Decoder { get; }

    /// <summary>memory = Encoder(src), source padding hidden. (B·S)×d_model → (B·S)×d_model.</summary>
    public Tensor Encode(Tensor src, SequenceBatch srcBatch) => Encoder.Forward(src, srcBatch);

    /// <summary>y = Decoder(tgt, memory), causal and padding masks from the batches.
    /// (B·T)×d_model → (B·T)×d_model.</summary>
    public Tensor Decode(Tensor tgt, SequenceBatch tgtBatch, Tensor memory, SequenceBatch srcBatch) =>
        Decoder.Forward(tgt, tgtBatch, memory, srcBatch);

    /// <summary>Encodes then decodes: y = Decoder(tgt, Encoder(src)), (B·T)×d_model.</summary>
    public Tensor Forward(Tensor src, SequenceBatch srcBatch, Tensor tgt, SequenceBatch tgtBatch) =>
        Decode(tgt, tgtBatch, Encode(src, srcBatch), srcBatch);
}
