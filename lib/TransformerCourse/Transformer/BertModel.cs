using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// An encoder-only Transformer in BERT's layout (Devlin et al. 2019), the shape of all-MiniLM-L6-v2:
/// <see cref="BertEmbeddings"/> (token + learned position + token type, summed, layer norm), a post-LN
/// <see cref="Encoder"/> stack with GELU (no final norm), and BERT's pooler tanh(W h_[CLS] + b).
/// </summary>
/// <remarks>
/// <para>Configure it as BERT: <c>Activation = Activation.Gelu</c> (exact erf), <c>NormFirst = false</c>,
/// <c>LayerNormEps = 1e-12</c>, <c>Positional = Learned</c>, MaxLength 512, dropout 0.1 for training (it is off in
/// <see cref="Module.Eval"/> mode).</para>
/// <para>Parameters: <c>embeddings.*</c> (see <see cref="BertEmbeddings"/>), <c>encoder.layers.{i}.*</c> (see
/// <see cref="EncoderLayer"/>; BERT's separate query/key/value matrices are the three row blocks of
/// <c>in_proj_weight</c>), <c>pooler.dense.weight</c> [d, d], <c>pooler.dense.bias</c> [d].</para>
/// <para>Shapes: ids and token types int[B·T] (row b·T + t, padded) → hidden states (B·T)×d; the pooler
/// B×d.</para>
/// </remarks>
public sealed class BertModel : Module
{
    /// <summary>Creates the model with config.EncoderLayers layers.</summary>
    /// <param name="vocab">V.</param>
    /// <param name="typeVocab">The number of token types (2 in BERT).</param>
    /// <param name="config">The hyper-parameters (see the remarks for BERT's).</param>
    /// <param name="rng">The random source.</param>
    public BertModel(int vocab, int typeVocab, TransformerConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        Config = config.Validate();
        Embeddings = RegisterModule("embeddings", new BertEmbeddings(vocab, typeVocab, config, rng));
        Encoder = RegisterModule("encoder", new Encoder(config, rng, finalNorm: false));
        Pooler = RegisterModule("pooler.dense", new Linear(config.DModel, config.DModel, rng));
    }

    /// <summary>The hyper-parameters.</summary>
    public TransformerConfig Config { get; }

    /// <summary>Token, position and type embeddings with their layer norm.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The post-LN encoder stack.</summary>
    public Encoder Encoder { get; }

    /// <summary>BERT's pooler, a d×d linear layer on the first token (registered as <c>pooler.dense</c>).</summary>
    public Linear Pooler { get; }

    /// <summary>
    /// The number of parameters by formula: V·d + P·d + S·d + 2d (embeddings and their norm),
    /// N·(4d² + 4d + 2·d·d_ff + d_ff + d + 4d) (attention, feed-forward, two norms per layer), d² + d (pooler).
    /// </summary>
    public static long CountParameters(int vocab, int typeVocab, TransformerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        long d = config.DModel, ff = config.DFF;
        long embeddings = (vocab + config.MaxLength + typeVocab) * d + 2 * d;
        long layer = 4 * d * d + 4 * d + 2 * d * ff + ff + d + 4 * d;
        return embeddings + config.EncoderLayers * layer + d * d + d;
    }

    /// <summary>
    /// The batch that a Hugging Face <c>attention_mask</c> describes: B rows of T flags, 1 for a real token and 0
    /// for padding, each row some 1s followed only by 0s (right padding).
    /// </summary>
    /// <param name="attentionMask">B·T flags, row b·T + t.</param>
    /// <param name="batch">B, the number of sequences.</param>
    public static SequenceBatch BatchFromAttentionMask(IReadOnlyList<int> attentionMask, int batch)
    {
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (batch <= 0 || attentionMask.Count == 0 || attentionMask.Count % batch != 0)
            throw new ArgumentException($"BertModel.BatchFromAttentionMask: {attentionMask.Count} flags do not " +
                $"make {batch} rows of equal length.");
        int time = attentionMask.Count / batch;
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                int flag = attentionMask[b * time + t];
                if (flag != 0 && flag != 1)
                    throw new ArgumentException($"BertModel.BatchFromAttentionMask: flag {flag} at row {b}, " +
                        $"position {t}; flags are 1 (token) or 0 (padding).");
                if (flag == 1 && lengths[b] < t)
                    throw new ArgumentException($"BertModel.BatchFromAttentionMask: row {b} has a token at " +
                        $"position {t} after padding at {lengths[b]}; only right padding is supported.");
                if (flag == 1) lengths[b] = t + 1;
            }
        }
        return new SequenceBatch(batch, time, lengths);
    }

    /// <summary>The last hidden states, (B·T)×d: embeddings, then every encoder layer with padded keys
    /// hidden.</summary>
    /// <param name="ids">B·T token ids.</param>
    /// <param name="batch">B, T and each sequence's length (see <see cref="BatchFromAttentionMask"/>).</param>
    /// <param name="tokenTypes">B·T token types, or null for all 0.</param>
    public Tensor Forward(IReadOnlyList<int> ids, SequenceBatch batch, IReadOnlyList<int>? tokenTypes = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Encoder.Forward(Embeddings.Forward(ids, tokenTypes, batch), batch);
    }

    /// <summary>BERT's pooled output tanh(W h_{b·T} + b) from the first token ([CLS]) of each sequence,
    /// B×d.</summary>
    /// <param name="hidden">The hidden states from <see cref="Forward"/>, (B·T)×d.</param>
    /// <param name="batch">The batch they belong to.</param>
    public Tensor Pool(Tensor hidden, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("BertModel.Pool", hidden, "hidden");
        var first = hidden.GatherRows(Enumerable.Range(0, batch.Batch).Select(b => b * batch.Time).ToArray());
        return Pooler.Forward(first).Tanh();
    }
}
