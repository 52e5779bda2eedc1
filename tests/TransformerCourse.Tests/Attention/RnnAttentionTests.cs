using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public partial class AdditiveAttentionTests
{
    private static AdditiveAttention Set(double[,] w, double[,] u, double[,] v)
    {
        var att = new AdditiveAttention(w.GetLength(1), u.GetLength(1), w.GetLength(0), new Rng(1));
        att.LoadStateDict(new Dictionary<string, MathNet.Numerics.LinearAlgebra.Matrix<double>>
        {
            ["W.weight"] = DenseMatrix.OfArray(w),
            ["U.weight"] = DenseMatrix.OfArray(u),
            ["v.weight"] = DenseMatrix.OfArray(v),
        });
        return att;
    }

    [Fact]
    public void HandComputedScoresWeightsAndContext()
    {
        // d_query = d_key = 2, d_att = 2. W = I, U = 2I, v = (1, −1).
        var att = Set(new double[,] { { 1, 0 }, { 0, 1 } }, new double[,] { { 2, 0 }, { 0, 2 } }, new double[,] { { 1, -1 } });
        var s = Tensor.FromArray(new double[,] { { 0.5, 0 } });
        var h = Tensor.FromArray(new double[,] { { 0, 0 }, { 1, 0 }, { 0, 1 } });
        var r = att.Forward(s, h, SequenceBatch.Single(3));
        // e_j = tanh(0.5 + 2 h_j0) − tanh(2 h_j1)
        double e0 = Math.Tanh(0.5), e1 = Math.Tanh(2.5), e2 = Math.Tanh(0.5) - Math.Tanh(2);
        double z = Math.Exp(e0) + Math.Exp(e1) + Math.Exp(e2);
        var a = new[] { Math.Exp(e0) / z, Math.Exp(e1) / z, Math.Exp(e2) / z };
        Check.Close(DenseMatrix.OfArray(new[,] { { e0, e1, e2 } }), att.Scores(s, att.ProjectKeys(h), 3).Data, 1e-15, "scores");
        Check.Close(DenseMatrix.OfArray(new[,] { { a[0], a[1], a[2] } }), r.Weights.Data, 1e-15, "weights");
        Check.Close(DenseMatrix.OfArray(new[,] { { a[1], a[2] } }), r.Output.Data, 1e-15, "context = Σ a_j h_j");
    }

    [Fact]
    public void BatchedWithPaddingEqualsOneSequenceAtATime()
    {
        var rng = new Rng(30);
        var att = new AdditiveAttention(3, 4, 5, rng);
        var s = Tensor.Randn(2, 3, rng);
        var h = Tensor.Randn(2 * 4, 4, rng);
        var batch = new SequenceBatch(2, 4, [4, 2]);
        var r = att.Forward(s, h, batch, att.ProjectKeys(h));
        for (int b = 0; b < 2; b++)
        {
            int len = batch.Length(b);
            var one = att.Forward(s.SliceRows(b, 1), h.SliceRows(b * 4, len), SequenceBatch.Single(len));
            Check.Close(one.Output.Data, r.Output.Data.SubMatrix(b, 1, 0, 4), 1e-14, $"context {b}");
            Check.Close(one.Weights.Data, r.Weights.Data.SubMatrix(b, 1, 0, len), 1e-14, $"weights {b}");
        }
        Assert.Equal(0.0, r.Weights[1, 2]);
        Assert.Equal(0.0, r.Weights[1, 3]);
        Assert.Equal(1.0, r.Weights.Data.Row(1).Sum(), 14);
    }

    [Fact]
    public void GradientCheck()
    {
        var rng = new Rng(31);
        var att = new AdditiveAttention(3, 2, 4, rng);
        var s = Gen.Param(2, 3, rng, "s");
        var h = Gen.Param(2 * 3, 2, rng, "h");
        var batch = new SequenceBatch(2, 3, [3, 2]);
        var inputs = att.Parameters().Append(s).Append(h).ToArray();
        Check.Gradients(() => att.Forward(s, h, batch).Output, inputs);
        Check.Gradients(() => att.Forward(s, h, batch).Weights, inputs);
        Assert.Equal(new[] { "W.weight", "U.weight", "v.weight" }, att.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void OpsPassGradientChecks()
    {
        var rng = new Rng(32);
        var w = Gen.Param(2, 3, rng, "w");
        var u = Gen.Param(2 * 4, 3, rng, "u");
        var v = Gen.Param(1, 3, rng, "v");
        Check.Gradients(() => AttentionOps.AdditiveScores(w, u, v, 4), w, u, v);
        var q = Gen.Param(2, 3, rng, "q");
        Check.Gradients(() => AttentionOps.DotScores(q, u, 4), q, u);
        var a = Gen.Param(2, 4, rng, "a");
        Check.Gradients(() => AttentionOps.WeightedSum(a, u), a, u);
    }

    [Fact]
    public void ErrorsNameShapes()
    {
        var att = new AdditiveAttention(3, 4, 5, new Rng(1));
        Check.ThrowsArgument(() => att.Forward(Tensor.Zeros(3, 3), Tensor.Zeros(8, 4), new SequenceBatch(2, 4)), "AdditiveAttention", "3×3", "B=2");
        Check.ThrowsArgument(() => att.Forward(Tensor.Zeros(2, 3), Tensor.Zeros(7, 4), new SequenceBatch(2, 4)), "AdditiveAttention", "7×4");
        Check.ThrowsArgument(() => AttentionOps.WeightedSum(Tensor.Zeros(2, 3), Tensor.Zeros(5, 4)), "WeightedSum", "2×3", "5×4");
    }
}

public partial class LuongAttentionTests
{
    [Fact]
    public void DotScoreIsTheDotProduct()
    {
        var att = new LuongAttention(LuongScore.Dot, 2, 2, new Rng(1));
        var s = Tensor.FromArray(new double[,] { { 1, 2 } });
        var h = Tensor.FromArray(new double[,] { { 3, 0 }, { 0, 1 }, { -1, 1 } });
        Check.Close(DenseMatrix.OfArray(new double[,] { { 3, 2, 1 } }), att.Scores(s, h, 3).Data, 0, "scores");
        var r = att.Forward(s, h, SequenceBatch.Single(3));
        double z = Math.Exp(3) + Math.Exp(2) + Math.Exp(1);
        Check.Close(DenseMatrix.OfArray(new[,] { { (3 * Math.Exp(3) - Math.Exp(1)) / z, (Math.Exp(2) + Math.Exp(1)) / z } }), r.Output.Data, 1e-14, "context");
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
        Check.Close(DenseMatrix.OfArray(new double[,] { { 3, -2 } }), att.Scores(s, h, 2).Data, 1e-15, "scores");
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
        Check.Close(bahdanau.Forward(s, h, batch).Output.Data, luong.Forward(s, h, batch).Output.Data, 1e-14, "context");
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
        Check.Gradients(() => att.Forward(s, h, batch).Output, att.Parameters().Append(s).Append(h).ToArray());
    }

    [Fact]
    public void DotNeedsEqualSizes() =>
        Check.ThrowsArgument(() => new LuongAttention(LuongScore.Dot, 3, 4, new Rng(1)), "d_query = d_key", "3", "4");
}
