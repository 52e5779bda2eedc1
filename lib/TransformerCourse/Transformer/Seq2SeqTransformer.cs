using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Generation;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// The whole encoder-decoder Transformer for sequence-to-sequence tasks (translation, copying, dates):
/// source and target embeddings ×√d_model plus positions, the <see cref="EncoderDecoder"/> body, and a linear
/// "generator" to vocabulary logits: logits = W_g · Decoder(Embed(tgt), Encoder(Embed(src))) + b_g.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>src_embed.weight</c> [V_src, d], <c>tgt_embed.weight</c> [V_tgt, d],
/// <c>positional_encoding.weight</c> (learned positions only), <c>transformer.*</c> (as <c>nn.Transformer</c>),
/// <c>generator.weight</c> [V_tgt, d], <c>generator.bias</c> [V_tgt]. With <c>tieOutput</c> the generator reuses
/// <c>tgt_embed.weight</c> (no <c>generator.weight</c>); with <c>shareEmbeddings</c> (one vocabulary) the target reuses
/// <c>src_embed.weight</c> (no <c>tgt_embed.weight</c>).</para>
/// <para>Batches: ids are int[B·T] in the <see cref="SequenceBatch"/> layout. Teacher forcing: feed tgt_in = [bos,
/// y₁ … y_{n−1}]
/// and compare the logits with tgt_out = [y₁ … y_n, eos] using <see cref="Loss"/> (padding ignored).</para>
/// <para>After a forward pass the attention maps are at <see cref="EncoderAttentionWeights"/>,
/// <see cref="DecoderSelfAttentionWeights"/> and <see cref="CrossAttentionWeights"/> (per layer, per head).</para>
/// </remarks>
public sealed partial class Seq2SeqTransformer : Seq2SeqModel
{
    /// <summary>Creates the model.</summary>
    /// <param name="sourceVocab">V_src.</param>
    /// <param name="targetVocab">V_tgt.</param>
    /// <param name="config">The hyper-parameters.</param>
    /// <param name="rng">The random source for weights and dropout.</param>
    /// <param name="tieOutput">Share the target embedding with the generator's weight.</param>
    /// <param name="shareEmbeddings">Share one embedding between source and target (needs V_src = V_tgt).</param>
    public Seq2SeqTransformer(int sourceVocab, int targetVocab, TransformerConfig config, Rng rng,
        bool tieOutput = false, bool shareEmbeddings = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        Config = config.Validate();
        if (shareEmbeddings && sourceVocab != targetVocab)
            throw new ArgumentException($"Seq2SeqTransformer: shared embeddings need one vocabulary, got " +
                $"V_src={sourceVocab}, V_tgt={targetVocab}.");
        SourceEmbedding = RegisterModule("src_embed", TokenEmbedding.Create(sourceVocab, config.DModel, rng));
        TargetEmbedding = shareEmbeddings ? SourceEmbedding
            : RegisterModule("tgt_embed", TokenEmbedding.Create(targetVocab, config.DModel, rng));
        var positional = TokenEmbedding.CreatePositional(config, rng);
        if (positional is not null) Positional = RegisterModule("positional_encoding", positional);
        Body = RegisterModule("transformer", new EncoderDecoder(config, rng));
        Generator = tieOutput
            ? RegisterModule("generator", new TiedLinear(TargetEmbedding.Weight))
            : RegisterModule("generator", new Linear(config.DModel, targetVocab, rng));
    }

    /// <summary>The hyper-parameters.</summary>
    public TransformerConfig Config { get; }

    /// <summary>The source embedding table.</summary>
    public Embedding SourceEmbedding { get; }

    /// <summary>The target embedding table (the source one when shared).</summary>
    public Embedding TargetEmbedding { get; }

    /// <summary>The positional encoding module (null for RoPE).</summary>
    public Module? Positional { get; }

    /// <summary>The encoder-decoder body (<c>nn.Transformer</c>; state-dict prefix <c>transformer.</c>).</summary>
    public EncoderDecoder Body { get; }

    /// <summary>The output layer d_model → V_tgt (a <see cref="Linear"/> or a <see cref="TiedLinear"/>).</summary>
    public ILayer Generator { get; }

    /// <summary>Each encoder layer's self-attention weights from the last call (B×h×S×S).</summary>
    public IReadOnlyList<AttentionWeights?> EncoderAttentionWeights => Body.Encoder.AttentionWeights;

    /// <summary>Each decoder layer's masked self-attention weights from the last call (B×h×T×T).</summary>
    public IReadOnlyList<AttentionWeights?> DecoderSelfAttentionWeights => Body.Decoder.SelfAttentionWeights;

    /// <summary>Each decoder layer's cross-attention weights from the last call (B×h×T×S): which source tokens each
    /// output token read.</summary>
    public IReadOnlyList<AttentionWeights?> CrossAttentionWeights => Body.Decoder.CrossAttentionWeights;

    /// <summary>memory = Encoder(Embed(src)); src ids int[B·S] → (B·S)×d_model.</summary>
    public Tensor Encode(IReadOnlyList<int> sourceIds, SequenceBatch sourceBatch) =>
        Body.Encode(TokenEmbedding.Apply(SourceEmbedding, Positional, sourceIds, sourceBatch), sourceBatch);

    /// <summary>The decoder's output for target ids int[B·T] (causal) against the memory: (B·T)×d_model.</summary>
    public Tensor Decode(IReadOnlyList<int> targetIds, SequenceBatch targetBatch, Tensor memory,
        SequenceBatch sourceBatch) =>
        Body.Decode(TokenEmbedding.Apply(TargetEmbedding, Positional, targetIds, targetBatch), targetBatch, memory,
            sourceBatch);

    /// <summary>Vocabulary logits of decoder outputs: n×d_model → n×V_tgt.</summary>
    public Tensor Logits(Tensor decoded) => Generator.Forward(decoded);

    /// <summary>Logits for teacher forcing: (B·T)×V_tgt, row b·T + t predicting target token t + 1.</summary>
    public Tensor Forward(IReadOnlyList<int> sourceIds, SequenceBatch sourceBatch, IReadOnlyList<int> targetIds,
        SequenceBatch targetBatch) =>
        Logits(Decode(targetIds, targetBatch, Encode(sourceIds, sourceBatch), sourceBatch));

    /// <summary>
    /// Cross-entropy with label smoothing, averaged over non-padding targets (PyTorch's
    /// <c>CrossEntropyLoss(ignore_index=pad, label_smoothing=ε)</c>). logits n×V, targets n → 1×1.
    /// </summary>
    public static Tensor Loss(Tensor logits, IReadOnlyList<int> targets, int padId, double labelSmoothing = 0.0)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.CrossEntropy(targets, padId, labelSmoothing);
    }
}
