using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public class AdditiveAttentionTests
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
        var att = Set(new double[,] { { 1, 0 }, { 0, 1 } }, new double[,] { { 2, 0 }, { 0, 2 } },
            new double[,] { { 1, -1 } });
        var s = Tensor.FromArray(new double[,] { { 0.5, 0 } });
        var h = Tensor.FromArray(new double[,] { { 0, 0 }, { 1, 0 }, { 0, 1 } });
        var r = att.Forward(s, h, SequenceBatch.Single(3));
        // e_j = tanh(0.5 + 2 h_j0) − tanh(2 h_j1)
        double e0 = Math.Tanh(0.5), e1 = Math.Tanh(2.5), e2 = Math.Tanh(0.5) - Math.Tanh(2);
        double z = Math.Exp(e0) + Math.Exp(e1) + Math.Exp(e2);
        var a = new[] { Math.Exp(e0) / z, Math.Exp(e1) / z, Math.Exp(e2) / z };
        Expect.Close(DenseMatrix.OfArray(new[,] { { e0, e1, e2 } }),
            att.Scores(s, att.ProjectKeys(h), 3).Data, 1e-15, "scores");
        Expect.Close(DenseMatrix.OfArray(new[,] { { a[0], a[1], a[2] } }), r.Weights.Data, 1e-15, "weights");
        Expect.Close(DenseMatrix.OfArray(new[,] { { a[1], a[2] } }), r.Output.Data, 1e-15, "context = Σ a_j h_j");
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
            Expect.Close(one.Output.Data, r.Output.Data.SubMatrix(b, 1, 0, 4), 1e-14, $"context {b}");
            Expect.Close(one.Weights.Data, r.Weights.Data.SubMatrix(b, 1, 0, len), 1e-14, $"weights {b}");
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
        Expect.Gradients(() => att.Forward(s, h, batch).Output, inputs);
        Expect.Gradients(() => att.Forward(s, h, batch).Weights, inputs);
        Assert.Equal(new[] { "W.weight", "U.weight", "v.weight" }, att.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void ErrorsNameShapes()
    {
        var att = new AdditiveAttention(3, 4, 5, new Rng(1));
        Expect.ThrowsArgument(() => att.Forward(Tensor.Zeros(3, 3), Tensor.Zeros(8, 4), new SequenceBatch(2, 4)),
            "AdditiveAttention", "3×3", "B=2");
        Expect.ThrowsArgument(() => att.Forward(Tensor.Zeros(2, 3), Tensor.Zeros(7, 4), new SequenceBatch(2, 4)),
            "AdditiveAttention", "7×4");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheReadableAndTheFusedPathGiveTheSameScoresContextAndGradients(bool padded)
    {
        BothPaths.AssertSame($"AdditiveAttention padded={padded}", () =>
        {
            var rng = new Rng(61);
            var att = new AdditiveAttention(3, 4, 5, rng);
            var s = Tensor.Randn(2, 3, rng, requiresGrad: true);
            var h = Tensor.Randn(2 * 4, 4, rng, requiresGrad: true);
            var r = att.Forward(s, h, new SequenceBatch(2, 4, padded ? [4, 2] : null));
            return (Tensor.ConcatCols(r.Output, r.Weights), att, [s, h]);
        }, "MatMul", "Tanh", "Softmax");
    }
}
