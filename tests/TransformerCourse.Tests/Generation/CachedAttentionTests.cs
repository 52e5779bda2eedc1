using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Generation;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Generation;

/// <summary>
/// Cached attention, one position at a time, against <see cref="MultiHeadAttention"/> (PyTorch-checked) over the
/// whole sequence; and one step worked by hand.
/// </summary>
public class CachedAttentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EachCachedStepEqualsCausalSelfAttentionAtThatPosition(bool rotary)
    {
        var rng = new Rng(7);
        var mha = new MultiHeadAttention(12, 3, rng, rotary: rotary ? new RotaryEmbedding(4) : null);
        Gen.Param(1, 36, rng).Data.CopyTo(mha.InProjBias!.Data);                 // non-zero biases
        const int batch = 2, time = 6;
        var x = Tensor.Randn(batch * time, 12, rng);
        using var noGrad = Tensor.NoGrad();
        var full = mha.SelfAttention(x, SequenceBatch.Full(batch, time), causal: true).Data;
        var cache = new KvCache(1, batch, CachedAttention.KvHeads(mha), mha.DK, time);
        for (int t = 0; t < time; t++)
        {
            var step = CachedAttention.SelfAttention(mha, x.GatherRows([t, time + t]), cache.Layers[0]).Data;
            for (int b = 0; b < batch; b++)
                Expect.Close(full.Row(b * time + t), step.Row(b), 1e-12, $"position {t}, sequence {b}");
        }
        Assert.Equal(time, cache.Length);
    }

    [Fact]
    public void CrossAttentionOverProjectedMemoryEqualsMaskedCrossAttention()
    {
        var rng = new Rng(8);
        var mha = new MultiHeadAttention(8, 2, rng);
        var source = new SequenceBatch(2, 4, [4, 2]);
        var memory = Tensor.Randn(8, 8, rng);
        var x = Tensor.Randn(2, 8, rng);
        using var noGrad = Tensor.NoGrad();
        var expected = mha.CrossAttention(x, memory, source).Data;
        var cache = new KvCache(1, 2, CachedAttention.KvHeads(mha), mha.DK, 10);
        CachedAttention.ProjectMemory(mha, memory, source, cache.Layers[0]);
        var actual = CachedAttention.CrossAttention(mha, x, cache.Layers[0]).Data;
        Expect.Close(expected, actual, 1e-12, "cross-attention");
        for (int b = 0; b < 2; b++)
        {
            Expect.Close(mha.LastWeights!.MeanOverHeads(b).Row(0), cache.Layers[0].LastCrossWeights!.Row(b), 1e-12,
                $"head-averaged weights of sequence {b}");
        }
        Assert.Equal(0.0, cache.Layers[0].LastCrossWeights![1, 3]);                // padding gets no weight
    }

    /// <summary>
    /// h = 1, d = 2, identity projections, no biases: after keys k_0 = (1, 0) and k_1 = (0, 2) (values the same), the
    /// query (0, 2) scores 0 and 4 / √2, so w_1 = 1 / (1 + e^(−2√2)) and the output is (w_0, 2 w_1).
    /// </summary>
    [Fact]
    public void OneStepWorkedByHand()
    {
        var mha = new MultiHeadAttention(2, 1, new Rng(1), bias: false);
        var identity = Matrix<double>.Build.DenseIdentity(2);
        mha.InProjWeight.Data.SetSubMatrix(0, 0, identity);
        mha.InProjWeight.Data.SetSubMatrix(2, 0, identity);
        mha.InProjWeight.Data.SetSubMatrix(4, 0, identity);
        identity.CopyTo(mha.OutProj.Weight.Data);
        var cache = new KvCache(1, 1, 1, 2, 4);
        using var noGrad = Tensor.NoGrad();
        CachedAttention.SelfAttention(mha, Tensor.Row(1, 0), cache.Layers[0]);
        var y = CachedAttention.SelfAttention(mha, Tensor.Row(0, 2), cache.Layers[0]);
        double w1 = 1 / (1 + Math.Exp(-2 * Math.Sqrt(2)));
        Expect.Close(1 - w1, y[0, 0], 1e-15, "w_0 · 1");
        Expect.Close(2 * w1, y[0, 1], 1e-15, "w_1 · 2");
        Assert.Equal(1, CachedAttention.KvHeads(mha));
    }

    [Fact]
    public void CrossAttentionWithoutMemorySaysSo()
    {
        var mha = new MultiHeadAttention(4, 2, new Rng(2));
        var cache = new KvCache(1, 1, 2, 2, 4);
        var ex = Assert.Throws<InvalidOperationException>(() => CachedAttention.CrossAttention(mha, Tensor.Zeros(1, 4),
            cache.Layers[0]));
        Assert.Contains("ProjectMemory", ex.Message);
        Expect.ThrowsArgument(() => CachedAttention.ProjectMemory(mha, Tensor.Zeros(5, 4), new SequenceBatch(2, 3),
            cache.Layers[0]), "CachedAttention.ProjectMemory");
    }
}
