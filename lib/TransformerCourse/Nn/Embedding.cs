using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>
/// A lookup table of vectors, one row per token id (PyTorch's <c>nn.Embedding</c>).
/// Shapes: <c>weight</c> V×d; ids of length n give an n×d tensor. Initialised N(0, 1) as PyTorch;
/// the row of <see cref="PaddingIndex"/>, if set, starts at zero and never receives a gradient.
/// </summary>
public sealed class Embedding : Module
{
    /// <summary>Creates a V×d table.</summary>
    public Embedding(int vocabSize, int dim, Rng rng, int? paddingIndex = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (vocabSize <= 0 || dim <= 0)
            throw new ArgumentException($"Embedding: sizes must be positive, got vocabulary {vocabSize}, " +
                $"dimension {dim}.");
        if (paddingIndex is int p && (p < 0 || p >= vocabSize))
            throw new ArgumentException($"Embedding: padding index {p} is outside [0, {vocabSize}).");
        VocabSize = vocabSize;
        Dim = dim;
        PaddingIndex = paddingIndex;
        Weight = RegisterParameter("weight", Init.Normal(vocabSize, dim, 0, 1, rng));
        if (paddingIndex is int pad) Weight.Data.ClearRow(pad);
    }

    /// <summary>V, the number of rows.</summary>
    public int VocabSize { get; }

    /// <summary>d, the vector size.</summary>
    public int Dim { get; }

    /// <summary>The id whose row stays zero and gets no gradient, if any.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The V×d table.</summary>
    public Tensor Weight { get; }

    /// <summary>The rows of the given ids, n×d.</summary>
    public Tensor Forward(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] < 0 || ids[i] >= VocabSize)
                throw new ArgumentException($"Embedding: id {ids[i]} at position {i} is outside the vocabulary " +
                    $"[0, {VocabSize}).");
        }
        return Weight.GatherRows(ids, PaddingIndex);
    }
}
