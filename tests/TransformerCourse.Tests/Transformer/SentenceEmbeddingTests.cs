using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>Mean pooling over real tokens and L2 normalisation, on hand-computed numbers and by finite
/// differences.</summary>
public class SentenceEmbeddingTests
{
    [Fact]
    public void AveragesOnlyTheRealTokensThenScalesToLengthOne()
    {
        // Sequence 0: rows (1, 2), (3, 4), padding (100, 100) → mean (2, 3), norm √13.
        // Sequence 1: rows (0, −6), (6, 0), (0, 0) → mean (2, −2), norm √8.
        var h = Tensor.Constant(Matrix<double>.Build.DenseOfArray(new double[,]
            { { 1, 2 }, { 3, 4 }, { 100, 100 }, { 0, -6 }, { 6, 0 }, { 0, 0 } }));
        var batch = new SequenceBatch(2, 3, [2, 3]);
        Expect.Close(Matrix<double>.Build.DenseOfArray(new double[,] { { 2, 3 }, { 2, -2 } }),
            SentenceEmbedding.MeanPool(h, batch).Data, 1e-15);
        Expect.Close(Matrix<double>.Build.DenseOfArray(new double[,]
            { { 2 / Math.Sqrt(13), 3 / Math.Sqrt(13) }, { 2 / Math.Sqrt(8), -2 / Math.Sqrt(8) } }),
            SentenceEmbedding.Of(h, batch).Data, 1e-15);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var rng = new Rng(11);
        var h = Init.Normal(6, 3, 0, 1, rng);
        var weights = Tensor.Constant(Init.Normal(2, 3, 0, 1, rng).Data);
        var batch = new SequenceBatch(2, 3, [3, 1]);
        Expect.Gradients(() => SentenceEmbedding.Of(h, batch).Mul(weights).Sum(), h);
    }

    [Fact]
    public void RefusesEmptySequencesAndZeroVectors()
    {
        var h = Tensor.Constant(Matrix<double>.Build.Dense(4, 2, 1.0));
        Expect.ThrowsArgument(() => SentenceEmbedding.MeanPool(h, new SequenceBatch(2, 2, [2, 0])), "sequence 1");
        Expect.ThrowsArgument(() => SentenceEmbedding.MeanPool(h, new SequenceBatch(1, 3)), "4×2", "B·T = 3");
        Expect.ThrowsArgument(() => SentenceEmbedding.L2Normalize(Tensor.Constant(Matrix<double>.Build.Dense(2, 2))),
            "row 0", "norm 0");
    }
}
