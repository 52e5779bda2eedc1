using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

/// <summary>Padding and causal masks, alone and combined; fully masked rows stay finite.</summary>
public class MasksTests
{
    private const double Inf = double.NegativeInfinity;

    [Fact]
    public void PaddingMaskFromLengthsHidesTheTail()
    {
        var m = Masks.Padding([3, 1, 0], 3);
        var expected = DenseMatrix.OfArray(new[,] { { 0, 0, 0 }, { 0, Inf, Inf }, { Inf, Inf, Inf } });
        Assert.Equal(expected, m);
    }

    [Fact]
    public void CausalMaskHidesTheFuture()
    {
        var expected = DenseMatrix.OfArray(new[,] { { 0, Inf, Inf }, { 0, 0, Inf }, { 0, 0, 0 } });
        Assert.Equal(expected, Masks.Causal(3));
    }

    [Fact]
    public void CombinedMaskIsCausalAndPadding()
    {
        var m = Masks.Combine(Masks.Causal(3), Masks.Padding(2, 3));
        var expected = DenseMatrix.OfArray(new[,] { { 0, Inf, Inf }, { 0, 0, Inf }, { 0, 0, Inf } });
        Assert.Equal(expected, m);
        Expect.ThrowsArgument(() => Masks.Combine(Masks.Causal(3), Masks.Causal(4)), "Masks.Combine", "3×3", "4×4");
        Expect.ThrowsArgument(() => Masks.Padding([4], 3), "length 4", "[0, 3]");
    }

    [Fact]
    public void FullyMaskedRowsStayFinite()
    {
        var rng = new Rng(20);
        var q = Tensor.Randn(2 * 3, 4, rng, requiresGrad: true);
        var k = Tensor.Randn(2 * 3, 4, rng, requiresGrad: true);
        var v = Tensor.Randn(2 * 3, 4, rng, requiresGrad: true);
        // Sequence 1 has length 0: every key hidden, so its queries see nothing.
        var r = FusedAttention.Forward(q, k, v, 2, 2, new AttentionMask(causal: true, keyLengths: [3, 0]));
        r.Output.Sum().Backward();
        foreach (var m in new[] { r.Output.Data, q.Grad!, k.Grad!, v.Grad! })
            Assert.All(m.Enumerate(), x => Assert.True(double.IsFinite(x)));
        for (int i = 3; i < 6; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(0.0, r.Output[i, j]);
        Assert.Equal(0.0, r.Weights.Get(1, 0).Enumerate().Sum());
        Assert.Equal(1.0, r.Weights.Get(0, 1).Row(0).Sum(), 14);

        // The readable version and the modules agree.
        var single = ScaledDotProductAttention.Forward(q.SliceRows(0, 3), k.SliceRows(0, 3),
            v.SliceRows(0, 3), Masks.Padding(0, 3));
        Assert.All(single.Output.Data.Enumerate(), x => Assert.Equal(0.0, x));
        var mha = new MultiHeadAttention(4, 2, rng);
        var y = mha.SelfAttention(q, new SequenceBatch(2, 3, [3, 0]), causal: true);
        Assert.All(y.Data.Enumerate(), x => Assert.True(double.IsFinite(x)));
    }
}
