using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;

namespace TransformerCourse.Tests.Attention;

/// <summary>Attention weights kept per sequence and head: indexing, one head's matrix, the mean over heads.</summary>
public class AttentionWeightsTests
{
    // B = 1 sequence, h = 2 heads, T_q = 2, T_k = 2; each block row-major.
    private static readonly AttentionWeights W = new(1, 2, 2, 2, [[0.5, 0.5, 1, 0], [0.25, 0.75, 0, 1]]);

    [Fact]
    public void IndexGetMeanAndArrayAgree()
    {
        Assert.Equal(0.75, W[0, 1, 0, 1]);
        Assert.Equal(Matrix<double>.Build.DenseOfArray(new double[,] { { 0.5, 0.5 }, { 1, 0 } }), W.Get(0, 0));
        Assert.Equal(Matrix<double>.Build.DenseOfArray(new double[,] { { 0.375, 0.625 },
            { 0.5, 0.5 } }), W.MeanOverHeads(0));
        var array = W.ToArray();
        Assert.Equal(0.25, array[0, 1, 0, 0]);
        Assert.Equal(1.0, array[0, 0, 1, 0]);
        Assert.Equal("AttentionWeights(B=1, h=2, T_q=2, T_k=2)", W.ToString());
    }
}
