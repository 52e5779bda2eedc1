using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Generation;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// The decoders run one token at a time with a <see cref="KvCache"/>: each step embeds only the new token (at
/// position t = the cache's length), runs it through every layer, whose self-attention appends k_t, v_t and attends
/// over the cache (<see cref="CachedAttention"/>), and returns the next-token logits. Writing T tokens costs T
/// one-position passes instead of passes over 1, 2, …, T positions.
/// </summary>
/// <remarks>The layer steps below are the layers' own <c>Forward</c> (the same residuals, norms and feed-forward
/// networks) with the attention replaced by its cached form. Inference only (run inside <see cref="Tensor.NoGrad"/>,
/// in evaluation mode).</remarks>
public static class CachedDecoding
{
    /// <summary>An empty cache for a decoder-only model generating <paramref name="batch"/> sequences.</summary>
    public static KvCache Start(DecoderOnlyLM model, int batch)
    {
        ArgumentNullException.ThrowIfNull(model);
        return NewCache(model.Transformer.Layers.Select(l => l.SelfAttn).ToList(), batch, model.Config.MaxLength);
    }

    /// <summary>
    /// Feeds token t of each of the B sequences and returns the logits of token t + 1, B×V; the cache grows by one
    /// position. Equal, up to rounding, to row t of <see cref="DecoderOnlyLM.Forward"/> on the whole prefix.
    /// </summary>
    public static Tensor Step(DecoderOnlyLM model, KvCache cache, IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        int layers = model.Transformer.Layers.Count;
        var x = Embed(model.Embedding, model.Positional, cache, tokens, layers, "DecoderOnlyLM");
        for (int i = 0; i < layers; i++)
        {
            var (layer, kv) = (model.Transformer.Layers[i], cache.Layers[i]);
            x = Residual.Apply(x, h => CachedAttention.SelfAttention(layer.SelfAttn, h, kv), layer.Norm1,
                layer.Dropout1, layer.Placement);
            x = Residual.Apply(x, layer.FeedForward.Forward, layer.Norm2, layer.Dropout2, layer.Placement);
        }
        if (model.Transformer.Norm is not null) x = model.Transformer.Norm.Forward(x);
        return model.Head.Forward(x);
    }

    /// <summary>A cache for an encoder-decoder: empty self-attention caches, and every layer's cross-attention keys
    /// and values of the encoder memory ((B·S)×d_model) projected once.</summary>
    public static KvCache Start(Seq2SeqTransformer model, Tensor memory, SequenceBatch source)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        var layers = model.Body.Decoder.Layers;
        var cache = NewCache(layers.Select(l => l.SelfAttn).ToList(), source.Batch, model.Config.MaxLength);
        for (int i = 0; i < layers.Count; i++)
            CachedAttention.ProjectMemory(layers[i].CrossAttn, memory, source, cache.Layers[i]);
        return cache;
    }

    /// <summary>
    /// Feeds target token t of each of the B hypotheses and returns the decoder output for position t, B×d_model
    /// (the generator turns it into logits); the last layer's head-averaged cross-attention is then in
    /// <c>cache.Layers[^1].LastCrossWeights</c>.
    /// </summary>
    public static Tensor Step(Seq2SeqTransformer model, KvCache cache, IReadOnlyList<int> tokens)
    {
        ArgumentNullException.ThrowIfNull(model);
        var decoder = model.Body.Decoder;
        var x = Embed(model.TargetEmbedding, model.Positional, cache, tokens, decoder.Layers.Count,
            "Seq2SeqTransformer");
        for (int i = 0; i < decoder.Layers.Count; i++)
        {
            var (layer, kv) = (decoder.Layers[i], cache.Layers[i]);
            x = Residual.Apply(x, h => CachedAttention.SelfAttention(layer.SelfAttn, h, kv), layer.Norm1,
                layer.Dropout1, layer.Placement);
            x = Residual.Apply(x, h => CachedAttention.CrossAttention(layer.CrossAttn, h, kv), layer.Norm2,
                layer.Dropout2, layer.Placement);
            x = Residual.Apply(x, layer.FeedForward.Forward, layer.Norm3, layer.Dropout3, layer.Placement);
        }
        return decoder.Norm is null ? x : decoder.Norm.Forward(x);
    }

    private static KvCache NewCache(IReadOnlyList<MultiHeadAttention> attentions, int batch, int maxLength)
    {
        if (attentions.Count == 0) throw new ArgumentException("KvCache: the model has no decoder layers.");
        var first = attentions[0];
        return new KvCache(attentions.Count, batch, CachedAttention.KvHeads(first), first.DK, maxLength);
    }

    /// <summary>x = table[token]·√d_model + PE(t) for the B new tokens, all at position t = the cache's
    /// length.</summary>
    private static Tensor Embed(Embedding table, Module? positional, KvCache cache, IReadOnlyList<int> tokens,
        int layers, string model)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count != cache.Batch)
            throw new ArgumentException($"{model} cached step: {tokens.Count} tokens for a cache of " +
                $"B={cache.Batch} sequences.");
        if (cache.Layers.Count != layers)
            throw new ArgumentException($"{model} cached step: the cache has {cache.Layers.Count} layers but the " +
                $"model {layers}.");
        if (cache.Length >= cache.MaxLength)
            throw new InvalidOperationException($"{model} cached step: position {cache.Length} is beyond " +
                $"MaxLength={cache.MaxLength} (the cache is full).");
        return TokenEmbedding.Apply(table, positional, tokens, SequenceBatch.Full(tokens.Count, 1), cache.Length);
    }
}
