using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// A decoder-only language model (as GPT): token embeddings + positions, a stack of self-attention blocks with the
/// causal mask (so position t sees only tokens ≤ t), a final layer norm, and a linear head to next-token logits.
/// There is no encoder and no cross-attention; each block is an <see cref="EncoderLayer"/> run causally.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>embed.weight</c> [V, d], <c>positional_encoding.weight</c> (learned positions only),
/// <c>transformer.layers.{i}.*</c>, <c>transformer.norm.*</c>, <c>lm_head.weight</c> [V, d] (absent when tied to
/// the embedding) and <c>lm_head.bias</c> [V]. Depth: config.DecoderLayers.</para>
/// <para>Shapes: ids int[B·T] → logits (B·T)×V; row b·T + t predicts token t + 1 of sequence b.
/// The attention maps are at <c>Transformer.AttentionWeights</c>.</para>
/// </remarks>
public sealed partial class DecoderOnlyLM : Module
{
    /// <summary>Creates the model; <paramref name="tieWeights"/> shares the embedding with the output head.</summary>
    public DecoderOnlyLM(int vocab, TransformerConfig config, Rng rng, bool tieWeights = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        Config = config.Validate();
        Embedding = RegisterModule("embed", TokenEmbedding.Create(vocab, config.DModel, rng));
        var positional = TokenEmbedding.CreatePositional(config, rng);
        if (positional is not null) Positional = RegisterModule("positional_encoding", positional);
        Transformer = RegisterModule("transformer",
            new Encoder(config, rng, finalNorm: true, layers: config.DecoderLayers));
        Head = tieWeights
            ? RegisterModule("lm_head", new TiedLinear(Embedding.Weight))
            : RegisterModule("lm_head", new Linear(config.DModel, vocab, rng));
    }

    /// <summary>The hyper-parameters.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The token embedding.</summary>
    public Embedding Embedding { get; }

    /// <summary>The positional module (null for RoPE).</summary>
    public Module? Positional { get; }

    /// <summary>The causal block stack with its final norm.</summary>
    public Encoder Transformer { get; }

    /// <summary>The output head d_model → V.</summary>
    public ILayer Head { get; }

    /// <summary>Next-token logits (B·T)×V for the B·T ids of a batch (causal; padded keys hidden).</summary>
    public Tensor Forward(IReadOnlyList<int> ids, SequenceBatch batch) =>
        Head.Forward(Transformer.Forward(TokenEmbedding.Apply(Embedding, Positional, ids, batch), batch, causal: true));

    /// <summary>
    /// The language-modelling loss: cross-entropy of the logits at t against the token at t + 1, padding ignored.
    /// Builds the shifted targets from the ids itself; the last position of each sequence has no target.
    /// </summary>
    public Tensor Loss(IReadOnlyList<int> ids, SequenceBatch batch, int padId, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(batch);
        var targets = new int[batch.Rows];
        for (int b = 0; b < batch.Batch; b++)
            for (int t = 0; t < batch.Time; t++)
                targets[b * batch.Time + t] = t + 1 < batch.Length(b) ? ids[b * batch.Time + t + 1] : padId;
        return Forward(ids, batch).CrossEntropy(targets, padId, labelSmoothing);
    }
}
