using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention.Kernels;

/// <summary>The batched RNN-attention kernels (scores and weighted sums) against hand-computed values and finite
/// differences.</summary>
public class RnnAttentionKernelsTests
{
    [Fact]
    public void DotScoresAreEachQueryDottedWithItsOwnSequencesKeys()
    {
        var q = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, -1 } });
        var e = RnnAttentionKernels.DotScores(q, AttentionOpsTests.Keys(), 2);
        // [1,2]·[1,0] = 1, [1,2]·[0,1] = 2; [3,−1]·[2,1] = 5, [3,−1]·[−1,3] = −6.
        Assert.Equal(new double[,] { { 1, 2 }, { 5, -6 } }, e.Data.ToArray());
    }

    [Fact]
    public void WeightedSumAveragesEachSequencesValuesWithItsWeights()
    {
        var a = Tensor.FromArray(new double[,] { { 0.25, 0.75 }, { 1, 0 } });
        var c = RnnAttentionKernels.WeightedSum(a, AttentionOpsTests.Keys());
        // 0.25·[1,0] + 0.75·[0,1] = [0.25, 0.75]; 1·[2,1] + 0·[−1,3] = [2, 1].
        Assert.Equal(new double[,] { { 0.25, 0.75 }, { 2, 1 } }, c.Data.ToArray());
    }

    [Fact]
    public void AdditiveScoresAreVTransposeTanhOfQueryPlusKey()
    {
        var w = Tensor.FromArray(new double[,] { { 0.5, -1 } });
        var u = Tensor.FromArray(new double[,] { { 0.1, 0.2 }, { -0.3, 0.4 } });
        var v = Tensor.FromArray(new double[,] { { 2, -1 } });
        var e = RnnAttentionKernels.AdditiveScores(w, u, v, 2);
        Assert.Equal(1, e.Rows);
        Assert.Equal(2, e.Cols);
        Expect.Close(2 * Math.Tanh(0.6) - Math.Tanh(-0.8), e.Data[0, 0], 1e-15, "e[0,0]");
        Expect.Close(2 * Math.Tanh(0.2) - Math.Tanh(-0.6), e.Data[0, 1], 1e-15, "e[0,1]");
    }

    [Fact]
    public void AdditiveScoresMatchTheFormulaOnARandomBatch()
    {
        var rng = new Rng(71);
        int batch = 3, time = 4, a = 5;
        var w = Tensor.Randn(batch, a, rng);
        var u = Tensor.Randn(batch * time, a, rng);
        var v = Tensor.Randn(1, a, rng);
        var e = RnnAttentionKernels.AdditiveScores(w, u, v, time);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < time; t++)
            {
                double expected = 0;
                for (int c = 0; c < a; c++)
                    expected += v.Data[0, c] * Math.Tanh(w.Data[b, c] + u.Data[b * time + t, c]);
                Expect.Close(expected, e.Data[b, t], 1e-14, $"e[{b},{t}]");
            }
        }
    }

    [Fact]
    public void OpsPassGradientChecks()
    {
        var rng = new Rng(32);
        var w = Gen.Param(2, 3, rng, "w");
        var u = Gen.Param(2 * 4, 3, rng, "u");
        var v = Gen.Param(1, 3, rng, "v");
        Expect.Gradients(() => RnnAttentionKernels.AdditiveScores(w, u, v, 4), w, u, v);
        var q = Gen.Param(2, 3, rng, "q");
        Expect.Gradients(() => RnnAttentionKernels.DotScores(q, u, 4), q, u);
        var a = Gen.Param(2, 4, rng, "a");
        Expect.Gradients(() => RnnAttentionKernels.WeightedSum(a, u), a, u);
    }


    [Fact]
    public void ErrorsNameTheOperationAndTheShapes()
    {
        Expect.ThrowsArgument(() => RnnAttentionKernels.DotScores(Tensor.Zeros(2, 3), Tensor.Zeros(5, 3), 2),
            "DotScores: queries are 2×3, keys 5×3 with T=2");
        Expect.ThrowsArgument(() => RnnAttentionKernels.DotScores(Tensor.Zeros(2, 3), Tensor.Zeros(4, 2), 2),
            "DotScores", "2×3", "4×2");
        Expect.ThrowsArgument(() => RnnAttentionKernels.AdditiveScores(Tensor.Zeros(2, 3), Tensor.Zeros(4, 3),
            Tensor.Zeros(1, 2), 2), "AdditiveScores: projected queries are 2×3, projected keys 4×3, v 1×2 with T=2");
        Expect.ThrowsArgument(() => RnnAttentionKernels.WeightedSum(Tensor.Zeros(2, 3), Tensor.Zeros(5, 4)),
            "WeightedSum: weights are 2×3 (B×T) but values are 5×4; values need B·T = 6 rows.");
    }
}
