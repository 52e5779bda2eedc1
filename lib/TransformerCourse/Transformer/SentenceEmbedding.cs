using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;

namespace TransformerCourse.Transformer;

/// <summary>
/// One vector per sentence from an encoder's token vectors, as Sentence-BERT (Reimers &amp; Gurevych 2019) and
/// all-MiniLM-L6-v2: the mean over the real (non-padding) tokens, then scaled to unit length, so that the dot product
/// of two embeddings is their cosine similarity.
/// </summary>
public static class SentenceEmbedding
{
    /// <summary>
    /// s_b = (1/L_b) Σ_{t &lt; L_b} h_{b·T+t}: the mean of each sequence's first L_b rows (padding left out);
    /// h (B·T)×d → B×d. Written as one constant B×(B·T) averaging matrix times h, so gradients flow.
    /// </summary>
    public static Tensor MeanPool(Tensor hidden, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("SentenceEmbedding.MeanPool", hidden, "hidden");
        var average = new DenseMatrix(batch.Batch, batch.Rows);
        for (int b = 0; b < batch.Batch; b++)
        {
            if (batch.Length(b) == 0)
                throw new ArgumentException($"SentenceEmbedding.MeanPool: sequence {b} has no real token to average.");
            for (int t = 0; t < batch.Length(b); t++) average[b, batch.Row(b, t)] = 1.0 / batch.Length(b);
        }
        return Tensor.Constant(average).MatMul(hidden);
    }

    /// <summary>x_b / ‖x_b‖₂ for every row; a zero row is an error (it has no direction).</summary>
    public static Tensor L2Normalize(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var norms = x.Square().RowSums().Sqrt();                        // n×1
        for (int r = 0; r < x.Rows; r++)
        {
            if (!(norms.Data[r, 0] > 0))
                throw new ArgumentException($"SentenceEmbedding.L2Normalize: row {r} of {x.Shape} has norm " +
                    $"{norms.Data[r, 0]}; it cannot be scaled to length 1.");
        }
        return x.Div(norms);
    }

    /// <summary>The sentence embeddings: L2Normalize(MeanPool(hidden)), B×d.</summary>
    public static Tensor Of(Tensor hidden, SequenceBatch batch) => L2Normalize(MeanPool(hidden, batch));
}
