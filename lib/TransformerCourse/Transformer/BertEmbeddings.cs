using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// BERT's input layer: three learned tables summed, then layer norm and dropout:
/// x_{b·T+t} = LN(E_word[id] + E_pos[t] + E_type[type]). No √d_model scaling and no sinusoids (compare
/// <see cref="TokenEmbedding"/>): every part is learned.
/// </summary>
/// <remarks>
/// <para>Parameters (Hugging Face names): <c>word_embeddings.weight</c> [V, d], <c>position_embeddings.weight</c>
/// [maxLength, d], <c>token_type_embeddings.weight</c> [types, d], <c>LayerNorm.weight</c>, <c>LayerNorm.bias</c>
/// [d].</para>
/// <para>Shapes: ids and token types int[B·T] (row b·T + t) → (B·T)×d.</para>
/// </remarks>
public sealed class BertEmbeddings : Module
{
    private readonly Dropout _dropout;

    /// <summary>Creates the tables (N(0, 1) as <c>nn.Embedding</c>) and the layer norm.</summary>
    /// <param name="vocab">V, the number of token ids.</param>
    /// <param name="typeVocab">The number of token types (segments; 2 in BERT).</param>
    /// <param name="config">d_model, the number of positions (MaxLength), ε and dropout.</param>
    /// <param name="rng">The random source for the initial values and dropout.</param>
    public BertEmbeddings(int vocab, int typeVocab, TransformerConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Words = RegisterModule("word_embeddings", new Embedding(vocab, config.DModel, rng));
        Positions = RegisterModule("position_embeddings", new Embedding(config.MaxLength, config.DModel, rng));
        Types = RegisterModule("token_type_embeddings", new Embedding(typeVocab, config.DModel, rng));
        Norm = RegisterModule("LayerNorm", new LayerNorm(config.DModel, config.LayerNormEps));
        _dropout = RegisterModule("dropout", new Dropout(config.Dropout, rng.Fork()));
    }

    /// <summary>E_word, V×d.</summary>
    public Embedding Words { get; }

    /// <summary>E_pos, maxLength×d.</summary>
    public Embedding Positions { get; }

    /// <summary>E_type, types×d.</summary>
    public Embedding Types { get; }

    /// <summary>The layer norm after the sum.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Dropout(LN(E_word[ids] + E_pos[t] + E_type[types])), (B·T)×d.</summary>
    /// <param name="ids">B·T token ids.</param>
    /// <param name="tokenTypes">B·T token types, or null for all 0 (one segment).</param>
    /// <param name="batch">B and T.</param>
    public Tensor Forward(IReadOnlyList<int> ids, IReadOnlyList<int>? tokenTypes, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(batch);
        if (ids.Count != batch.Rows || (tokenTypes is not null && tokenTypes.Count != ids.Count))
            throw new ArgumentException($"BertEmbeddings: {ids.Count} ids and {tokenTypes?.Count ?? ids.Count} " +
                $"token types for a batch of B={batch.Batch}×T={batch.Time} = {batch.Rows} positions.");
        if (batch.Time > Positions.VocabSize)
            throw new ArgumentException($"BertEmbeddings: T={batch.Time} is longer than the " +
                $"{Positions.VocabSize} learned positions.");
        var positions = new int[batch.Rows];
        for (int r = 0; r < positions.Length; r++) positions[r] = r % batch.Time;
        var x = Words.Forward(ids) + Positions.Forward(positions) + Types.Forward(tokenTypes ?? new int[ids.Count]);
        return _dropout.Forward(Norm.Forward(x));
    }
}
