using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>How an encoder's token vectors are reduced to one vector per sequence.</summary>
public enum Pooling
{
    /// <summary>The vector of the first token (BERT's [CLS]): self-attention lets it gather
    /// the whole sequence.</summary>
    FirstToken,

    /// <summary>The mean of the non-padding token vectors.</summary>
    Mean,
}

/// <summary>
/// An encoder-only classifier (as BERT): embeddings + positions, an encoder stack, pooling to one vector per
/// sequence, dropout, and a linear layer to class logits: logits_b = W · Dropout(Pool(Encoder(Embed(ids)))_b) + c.
/// </summary>
/// <remarks>
/// <para>Parameters: <c>embed.weight</c> [V, d], <c>positional_encoding.weight</c> (learned positions only),
/// <c>encoder.layers.{i}.*</c>, <c>encoder.norm.*</c> (pre-LN only), <c>classifier.weight</c> [C, d],
/// <c>classifier.bias</c> [C].</para>
/// <para>Shapes: ids int[B·T] (row b·T + t; put a [CLS]-like token first for <see cref="Pooling.FirstToken"/>) →
/// logits B×C. The encoder's attention maps are at <c>Encoder.AttentionWeights</c>.</para>
/// </remarks>
public sealed class EncoderClassifier : Module
{
    private readonly Dropout _dropout;

    /// <summary>Creates the model with config.EncoderLayers layers.</summary>
    public EncoderClassifier(int vocab, int classes, TransformerConfig config, Rng rng,
        Pooling pooling = Pooling.FirstToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        Config = config.Validate();
        Pooling = pooling;
        Embedding = RegisterModule("embed", TokenEmbedding.Create(vocab, config.DModel, rng));
        var positional = TokenEmbedding.CreatePositional(config, rng);
        if (positional is not null) Positional = RegisterModule("positional_encoding", positional);
        Encoder = RegisterModule("encoder", new Encoder(config, rng, finalNorm: config.NormFirst));
        _dropout = RegisterModule("dropout", new Dropout(config.Dropout, rng.Fork()));
        Classifier = RegisterModule("classifier", new Linear(config.DModel, classes, rng));
    }

    /// <summary>The hyper-parameters.</summary>
    public TransformerConfig Config { get; }

    /// <summary>How token vectors become a sequence vector.</summary>
    public Pooling Pooling { get; }

    /// <summary>The token embedding.</summary>
    public Embedding Embedding { get; }

    /// <summary>The positional module (null for RoPE).</summary>
    public Module? Positional { get; }

    /// <summary>The encoder stack.</summary>
    public Encoder Encoder { get; }

    /// <summary>The classification layer d_model → C.</summary>
    public Linear Classifier { get; }

    /// <summary>The pooled sequence vectors, B×d_model (before dropout).</summary>
    public Tensor Encode(IReadOnlyList<int> ids, SequenceBatch batch)
    {
        var h = Encoder.Forward(TokenEmbedding.Apply(Embedding, Positional, ids, batch), batch);
        if (Pooling == Pooling.FirstToken)
            return h.GatherRows(Enumerable.Range(0, batch.Batch).Select(b => b * batch.Time).ToArray());
        // Mean over the real tokens: a constant B×(B·T) averaging matrix times h.
        var avg = new DenseMatrix(batch.Batch, batch.Rows);
        for (int b = 0; b < batch.Batch; b++)
        {
            int len = Math.Max(1, batch.Length(b));
            for (int t = 0; t < batch.Length(b); t++) avg[b, b * batch.Time + t] = 1.0 / len;
        }
        return Tensor.Constant(avg).MatMul(h);
    }

    /// <summary>Class logits, B×C, for the B·T ids of a batch.</summary>
    public Tensor Forward(IReadOnlyList<int> ids, SequenceBatch batch)
        => Classifier.Forward(_dropout.Forward(Encode(ids, batch)));
}
