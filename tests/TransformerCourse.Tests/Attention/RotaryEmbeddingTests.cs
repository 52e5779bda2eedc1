using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public class RotaryEmbeddingTests
{
    [Fact]
    public void RotatesPairsByPositionTimesFrequency()
    {
        var rope = new RotaryEmbedding(4);
        // One sequence of 3 positions, one head; row t = (1, 0, 1, 0).
        var x = Tensor.FromArray(new double[,] { { 1, 0, 1, 0 }, { 1, 0, 1, 0 }, { 1, 0, 1, 0 } });
        var y = rope.Apply(x, time: 3);
        for (int t = 0; t < 3; t++)
        {
            double a0 = t * 1.0, a1 = t * Math.Pow(10000, -0.5); // θ_0 = 1, θ_1 = 10000^(−2/4)
            Expect.Close(Math.Cos(a0), y[t, 0], 1e-15, "cos θ0");
            Expect.Close(Math.Sin(a0), y[t, 1], 1e-15, "sin θ0");
            Expect.Close(Math.Cos(a1), y[t, 2], 1e-15, "cos θ1");
            Expect.Close(Math.Sin(a1), y[t, 3], 1e-15, "sin θ1");
        }
    }

    [Fact]
    public void PreservesNorms()
    {
        var rng = new Rng(50);
        var rope = new RotaryEmbedding(6);
        var x = Tensor.Randn(2 * 7, 2 * 6, rng); // B = 2, T = 7, two heads
        var y = rope.Apply(x, time: 7, heads: 2);
        for (int r = 0; r < x.Rows; r++)
            for (int h = 0; h < 2; h++)
                Expect.Close(x.Data.Row(r).SubVector(h * 6, 6).L2Norm(), y.Data.Row(r).SubVector(h * 6, 6).L2Norm(),
                    1e-13, $"norm row {r} head {h}");
    }

    [Fact]
    public void ScoresDependOnlyOnRelativePosition()
    {
        var rng = new Rng(51);
        var rope = new RotaryEmbedding(8);
        var q = Tensor.Randn(1, 8, rng);
        var k = Tensor.Randn(1, 8, rng);
        double Score(int m, int n) =>
            rope.Apply(q, 1, startPosition: m).Data.Row(0) * rope.Apply(k, 1, startPosition: n).Data.Row(0);
        foreach (var (m, n) in new[] { (0, 3), (5, 8), (17, 20), (100, 103) })
            Expect.Close(Score(0, 3), Score(m, n), 1e-12, $"score({m}, {n})");
        Expect.Close(Score(4, 1), Score(10, 7), 1e-12, "score(4, 1) vs (10, 7)");
        Assert.True(Math.Abs(Score(0, 3) - Score(0, 4)) > 1e-6, "a different offset gives a different score");
    }

    [Fact]
    public void GradientCheckAlone()
    {
        var rng = new Rng(52);
        var rope = new RotaryEmbedding(4);
        var x = Gen.Param(2 * 3, 8, rng, "x");
        Expect.Gradients(() => rope.Apply(x, 3, 2, startPosition: 2), x);
    }

    [Fact]
    public void InsideMultiHeadAttentionPassesGradientCheck()
    {
        var rng = new Rng(53);
        var mha = new MultiHeadAttention(8, 2, rng, rotary: new RotaryEmbedding(4));
        var x = Gen.Param(2 * 4, 8, rng, "x");
        var batch = new SequenceBatch(2, 4, [4, 3]);
        Expect.Gradients(() => mha.SelfAttention(x, batch, causal: true), mha.Parameters().Append(x).ToArray());
        Expect.ThrowsArgument(() => new MultiHeadAttention(8, 2, rng, rotary: new RotaryEmbedding(8)), "rotary", "d_k");
        Expect.ThrowsArgument(() => new RotaryEmbedding(5), "even");
    }
}
