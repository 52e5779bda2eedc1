using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// The input side of every Transformer model (§3.4–3.5): x = Embedding(ids)·√d_model + PE, where PE is the
/// configured positional encoding (none for RoPE, which acts inside attention).
/// </summary>
/// <remarks>
/// The model classes register the embedding tables and the positional module under their own PyTorch names; these
/// are the shared steps. Tables are initialised N(0, 1/d_model), so that after the ×√d_model scaling each coordinate
/// has variance 1, the same as the sinusoidal encoding's amplitude (tensor2tensor's choice).
/// </remarks>
public static class TokenEmbedding
{
    /// <summary>A V×d_model table initialised N(0, 1/d_model).</summary>
    public static Embedding Create(int vocabSize, int dModel, Rng rng, int? paddingIndex = null)
    {
        var table = new Embedding(vocabSize, dModel, rng, paddingIndex);
        var init = Init.Normal(vocabSize, dModel, 0, 1 / Math.Sqrt(dModel), rng);
        init.Data.CopyTo(table.Weight.Data);
        if (paddingIndex is int p) table.Weight.Data.ClearRow(p);
        return table;
    }

    /// <summary>The positional module a configuration asks for (sinusoidal or learned, with dropout), or
    /// null for RoPE.</summary>
    public static Module? CreatePositional(TransformerConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        return config.Positional switch
        {
            PositionalEncodingKind.Sinusoidal
                => new SinusoidalPositionalEncoding(config.DModel, config.MaxLength, config.Dropout, rng.Fork()),
            PositionalEncodingKind.Learned
                => new LearnedPositionalEncoding(config.MaxLength, config.DModel, rng, config.Dropout),
            _ => null,
        };
    }

    /// <summary>
    /// x = table[ids]·√d_model + PE(t) for the B·T ids of a batch (row b·T + t); (B·T)×d_model.
    /// With no positional module (RoPE), only the scaled embeddings.
    /// </summary>
    public static Tensor Apply(Embedding table, Module? positional, IReadOnlyList<int> ids, SequenceBatch batch,
        int startPosition = 0)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(batch);
        if (ids.Count != batch.Rows)
            throw new ArgumentException($"TokenEmbedding: {ids.Count} ids for a batch of " +
                $"B={batch.Batch}×T={batch.Time} = {batch.Rows} positions.");
        var x = table.Forward(ids).Scale(Math.Sqrt(table.Dim));
        return positional switch
        {
            SinusoidalPositionalEncoding s => s.Forward(x, batch.Time, startPosition),
            LearnedPositionalEncoding l => l.Forward(x, batch.Time, startPosition),
            _ => x,
        };
    }
}
