using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public class MaskTests
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
        Check.ThrowsArgument(() => Masks.Combine(Masks.Causal(3), Masks.Causal(4)), "Masks.Combine", "3×3", "4×4");
        Check.ThrowsArgument(() => Masks.Padding([4], 3), "length 4", "[0, 3]");
    }

    [Fact]
    public void AttentionMaskDescribesTheSameMatricesPerSequence()
    {
        var mask = new AttentionMask(causal: true, keyLengths: [3, 2]);
        Assert.Equal(Masks.Combine(Masks.Causal(3), Masks.Padding(3, 3)), mask.ForSequence(0, 3, 3));
        Assert.Equal(Masks.Combine(Masks.Causal(3), Masks.Padding(2, 3)), mask.ForSequence(1, 3, 3));
        var flags = new bool[2, 3];
        flags[1, 2] = true;
        var fromFlags = new AttentionMask(causal: true, keyPadding: flags);
        Assert.Equal(mask.ToMatrix(2, 3, 3), fromFlags.ToMatrix(2, 3, 3));
        Assert.Equal(6, mask.ToMatrix(2, 3, 3).RowCount);
        Assert.True(AttentionMask.None.IsEmpty);
        var batch = new SequenceBatch(2, 3, [3, 2]);
        Assert.Equal(mask.ToMatrix(2, 3, 3), AttentionMask.ForKeys(batch, causal: true).ToMatrix(2, 3, 3));
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
        var single = ScaledDotProductAttention.Forward(q.SliceRows(0, 3), k.SliceRows(0, 3), v.SliceRows(0, 3), Masks.Padding(0, 3));
        Assert.All(single.Output.Data.Enumerate(), x => Assert.Equal(0.0, x));
        var mha = new MultiHeadAttention(4, 2, rng);
        var y = mha.SelfAttention(q, new SequenceBatch(2, 3, [3, 0]), causal: true);
        Assert.All(y.Data.Enumerate(), x => Assert.True(double.IsFinite(x)));
    }

    [Fact]
    public void SequenceBatchLayoutAndPadding()
    {
        var (ids, batch) = SequenceBatch.Pad([[5, 6, 7], [8, 9]], padId: 0);
        Assert.Equal(new[] { 5, 6, 7, 8, 9, 0 }, ids);
        Assert.Equal((2, 3, 6), (batch.Batch, batch.Time, batch.Rows));
        Assert.Equal(new[] { 3, 2 }, batch.Lengths);
        Assert.Equal(4, batch.Row(1, 1));
        Assert.True(batch.IsPad(1, 2));
        Assert.True(batch.HasPadding);
        Assert.False(SequenceBatch.Full(2, 3).HasPadding);
        Check.ThrowsArgument(() => new SequenceBatch(2, 3, [3]), "1 lengths", "2 sequences");
        Check.ThrowsArgument(() => batch.CheckRows("Op", Tensor.Zeros(5, 2)), "Op", "5×2", "B·T = 6");
    }
}
