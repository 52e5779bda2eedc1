using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public class LuongAttentionTests
{
    [Fact]
    public void DotScoreIsTheDotProduct()
    {
        var att = new LuongAttention(LuongScore.Dot, 2, 2, new Rng(1));
        var s = Tensor.FromArray(new double[,] { { 1, 2 } });
        var h = Tensor.FromArray(new double[,] { { 3, 0 }, { 0, 1 }, { -1, 1 } });
        Expect.Close(DenseMatrix.OfArray(new double[,] { { 3, 2, 1 } }), att.Scores(s, h, 3).Data, 0, "scores");
        var r = att.Forward(s, h, SequenceBatch.Single(3));
        double z = Math.Exp(3) + Math.Exp(2) + Math.Exp(1);
        Expect.Close(DenseMatrix.OfArray(new[,] { { (3 * Math.Exp(3) - Math.Exp(1)) / z,
            (Math.Exp(2) + Math.Exp(1)) / z } }), r.Output.Data, 1e-14, "context");
        Assert.Empty(att.NamedParameters());
    }

    [Fact]
    public void GeneralScoreIsBilinear()
    {
        var att = new LuongAttention(LuongScore.General, 2, 3, new Rng(1));
        var w = DenseMatrix.OfArray(new double[,] { { 1, 0, 2 }, { 0, -1, 1 } }); // d_query×d_key
        att.LoadStateDict(new Dictionary<string, MathNet.Numerics.LinearAlgebra.Matrix<double>> { ["W.weight"] = w });
        var s = Tensor.FromArray(new double[,] { { 1, 2 } });
        var h = Tensor.FromArray(new double[,] { { 1, 1, 1 }, { 0, 1, 0 } });
        // sᵀ W = (1, −2, 4); · h₀ = 3, · h₁ = −2.
        Expect.Close(DenseMatrix.OfArray(new double[,] { { 3, -2 } }), att.Scores(s, h, 2).Data, 1e-15, "scores");
    }

    [Fact]
    public void ConcatScoreIsAdditiveAttentionWithTheMatrixSplit()
    {
        var rng = new Rng(40);
        var luong = new LuongAttention(LuongScore.Concat, 3, 4, rng, attentionDim: 5);
        var bahdanau = new AdditiveAttention(3, 4, 5, rng);
        var w = luong.W!.Weight.Data;
        bahdanau.LoadStateDict(new Dictionary<string, MathNet.Numerics.LinearAlgebra.Matrix<double>>
        {
            ["W.weight"] = w.SubMatrix(0, 5, 0, 3),
            ["U.weight"] = w.SubMatrix(0, 5, 3, 4),
            ["v.weight"] = luong.V!.Weight.Data,
        });
        var s = Tensor.Randn(2, 3, rng);
        var h = Tensor.Randn(2 * 3, 4, rng);
        var batch = new SequenceBatch(2, 3, [3, 1]);
        Expect.Close(bahdanau.Forward(s, h, batch).Output.Data,
            luong.Forward(s, h, batch).Output.Data, 1e-14, "context");
    }

    [Theory]
    [InlineData(LuongScore.Dot)]
    [InlineData(LuongScore.General)]
    [InlineData(LuongScore.Concat)]
    public void GradientCheck(LuongScore score)
    {
        var rng = new Rng(41);
        var att = new LuongAttention(score, 3, 3, rng);
        var s = Gen.Param(2, 3, rng, "s");
        var h = Gen.Param(2 * 4, 3, rng, "h");
        var batch = new SequenceBatch(2, 4, [2, 4]);
        var r = att.Forward(s, h, batch);
        Assert.Equal((2, 3), (r.Output.Rows, r.Output.Cols));
        Assert.Equal((2, 4), (r.Weights.Rows, r.Weights.Cols));
        Assert.Equal(0.0, r.Weights[0, 3]);
        Expect.Gradients(() => att.Forward(s, h, batch).Output, att.Parameters().Append(s).Append(h).ToArray());
    }

    [Fact]
    public void ConcatKeysProjectedOnceServeTwoStepsWithFiniteDifferenceGradients()
    {
        var rng = new Rng(44);
        var att = new LuongAttention(LuongScore.Concat, 3, 4, rng, attentionDim: 5);
        var s1 = Gen.Param(2, 3, rng, "s1");
        var s2 = Gen.Param(2, 3, rng, "s2");
        var h = Gen.Param(2 * 3, 4, rng, "h");
        var batch = new SequenceBatch(2, 3, [3, 2]);
        var wh = att.ProjectKeys(h)!;
        Assert.Equal((6, 5), (wh.Rows, wh.Cols));
        Expect.Close(att.Scores(s1, h, 3).Data, att.Scores(s1, h, 3, wh).Data, 0, "scores with W_h h given");
        Expect.Gradients(() =>
        {
            var keys = att.ProjectKeys(h)!;                                   // once, as a decoder does
            return att.Forward(s1, h, batch, keys).Output + att.Forward(s2, h, batch, keys).Output;
        }, att.Parameters().Append(s1).Append(s2).Append(h).ToArray());
    }

    [Fact]
    public void OnlyConcatHasKeysToProjectAndWrongOnesAreRefused()
    {
        var rng = new Rng(45);
        var h = Tensor.Randn(6, 3, rng);
        Assert.Null(new LuongAttention(LuongScore.Dot, 3, 3, rng).ProjectKeys(h));
        Assert.Null(new LuongAttention(LuongScore.General, 3, 3, rng).ProjectKeys(h));
        var concat = new LuongAttention(LuongScore.Concat, 3, 3, rng, attentionDim: 2);
        Expect.ThrowsArgument(() => concat.Scores(Tensor.Randn(2, 3, rng), h, 3, Tensor.Randn(6, 3, rng)),
            "projected keys", "6×3", "6×2");
    }

    [Fact]
    public void DotNeedsEqualSizes() =>
        Expect.ThrowsArgument(() => new LuongAttention(LuongScore.Dot, 3, 4, new Rng(1)), "d_query = d_key", "3", "4");

    [Theory]
    [InlineData(LuongScore.Dot, false)]
    [InlineData(LuongScore.General, true)]
    [InlineData(LuongScore.Concat, true)]
    public void TheReadableAndTheFusedPathGiveTheSameScoresContextAndGradients(LuongScore score, bool padded)
    {
        BothPaths.AssertSame($"LuongAttention {score} padded={padded}", () =>
        {
            var rng = new Rng(101);
            var att = new LuongAttention(score, 4, 4, rng, attentionDim: 3);
            var s = Tensor.Randn(2, 4, rng, requiresGrad: true);
            var h = Tensor.Randn(2 * 3, 4, rng, requiresGrad: true);
            var r = att.Forward(s, h, new SequenceBatch(2, 3, padded ? [3, 2] : null));
            return (Tensor.ConcatCols(r.Output, r.Weights), att, [s, h]);
        }, "MatMul", "Softmax");
    }
}
