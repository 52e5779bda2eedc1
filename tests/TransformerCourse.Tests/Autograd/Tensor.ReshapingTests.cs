using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

public class TensorReshapingTests
{
    [Fact]
    public void TransposeGradientAndValues()
    {
        var rng = new Rng(30);
        foreach (var (r, c) in Gen.Shapes(31))
        {
            var x = Gen.Param(r, c, rng, "x");
            Expect.Gradients(() => x.T(), x);
            Assert.Equal(x.Data.Transpose(), x.T().Data);
        }
    }

    [Fact]
    public void SliceRowsAndColsGradients()
    {
        var rng = new Rng(32);
        foreach (var (r, c) in Gen.Shapes(33))
        {
            var x = Gen.Param(r, c, rng, "x");
            int r0 = rng.Next(r), rn = rng.Next(1, r - r0 + 1);
            int c0 = rng.Next(c), cn = rng.Next(1, c - c0 + 1);
            Expect.Gradients(() => x.SliceRows(r0, rn), x);
            Expect.Gradients(() => x.SliceCols(c0, cn), x);
            // Two overlapping slices of one tensor: their gradients add.
            Expect.Gradients(() => x.SliceRows(0, r).Mul(x.SliceRows(0, r)).SliceCols(c0, cn), x);
        }
    }

    [Fact]
    public void SliceValues()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 }, { 7, 8, 9 } });
        Assert.Equal(new double[,] { { 4, 5, 6 }, { 7, 8, 9 } }, x.SliceRows(1, 2).ToArray());
        Assert.Equal(new double[,] { { 2 }, { 5 }, { 8 } }, x.SliceCols(1, 1).ToArray());
        Assert.Equal(0, x.SliceRows(3, 0).Rows);
    }

    [Fact]
    public void ConcatGradientsAndValues()
    {
        var rng = new Rng(34);
        var a = Gen.Param(2, 3, rng, "a");
        var b = Gen.Param(1, 3, rng, "b");
        var c = Gen.Param(4, 3, rng, "c");
        Expect.Gradients(() => Tensor.ConcatRows(a, b, c), a, b, c);
        Expect.Gradients(() => Tensor.ConcatRows(a, a), a); // the same part twice
        var cat = Tensor.ConcatRows(a, b, c);
        Assert.Equal("7×3", cat.Shape);
        Assert.Equal(b.Data.Row(0), cat.Data.Row(2));

        var d = Gen.Param(3, 1, rng, "d");
        var e = Gen.Param(3, 4, rng, "e");
        var f = Gen.Param(3, 2, rng, "f");
        Expect.Gradients(() => Tensor.ConcatCols(d, e, f), d, e, f);
        Expect.Gradients(() => Tensor.ConcatCols(e, d, e), d, e);
        var wide = Tensor.ConcatCols(d, e, f);
        Assert.Equal("3×7", wide.Shape);
        Assert.Equal(f.Data.Column(1), wide.Data.Column(6));

        // A constant part gets no gradient but does not stop the others.
        var k = Tensor.Ones(3, 2);
        Expect.Gradients(() => Tensor.ConcatCols(k, e).Square(), e);
    }

    [Fact]
    public void HeadsSplitAndConcatenateBack()
    {
        // The multi-head layout: column blocks of width d_k; slicing and concatenating them is the identity.
        var rng = new Rng(35);
        var x = Gen.Param(5, 8, rng, "x");
        Tensor Heads() => Tensor.ConcatCols(Enumerable.Range(0, 4).Select(h => x.SliceCols(2 * h, 2)).ToArray());
        Assert.Equal(x.Data, Heads().Data);
        Expect.Gradients(Heads, x);
        Tensor Batches() => Tensor.ConcatRows(x.SliceRows(3, 2), x.SliceRows(0, 3));
        Expect.Gradients(Batches, x);
    }

    [Fact]
    public void GatherRowsWithRepeatedIndices()
    {
        var rng = new Rng(36);
        var table = Gen.Param(6, 4, rng, "table");
        int[] ids = [3, 0, 3, 5, 3, 1];
        Expect.Gradients(() => table.GatherRows(ids), table);
        var y = table.GatherRows(ids);
        for (int i = 0; i < ids.Length; i++) Assert.Equal(table.Data.Row(ids[i]), y.Data.Row(i));

        // Row 3 is used three times: its gradient is the sum of the three upstream rows.
        var seed = Tensor.Randn(ids.Length, 4, rng).Data;
        table.Grad = null;
        table.GatherRows(ids).Backward(seed);
        Expect.Close(seed.Row(0) + seed.Row(2) + seed.Row(4), table.Grad!.Row(3), 1e-15);
        Assert.Equal(0.0, table.Grad.Row(2).AbsoluteMaximum()); // unused row
        Assert.Equal(0.0, table.Grad.Row(4).AbsoluteMaximum());
    }

    [Fact]
    public void GatherRowsPaddingRowGetsNoGradient()
    {
        var rng = new Rng(37);
        var table = Gen.Param(5, 3, rng, "table");
        int[] ids = [0, 2, 0, 4, 2];
        var seed = Tensor.Randn(ids.Length, 3, rng).Data;

        table.GatherRows(ids).Backward(seed);
        var plain = table.Grad!.Clone();
        table.Grad = null;
        table.GatherRows(ids, paddingIndex: 0).Backward(seed);
        var padded = table.Grad!.Clone();

        // The gradient without padding is the one the gradient check verifies; padding only zeroes row 0.
        Expect.Gradients(() => table.GatherRows(ids), table);
        plain.ClearRow(0);
        Assert.Equal(plain, padded);
        // The values are still read from the padding row (as PyTorch does).
        Assert.Equal(table.Data.Row(0), table.GatherRows(ids, paddingIndex: 0).Data.Row(0));
    }

    [Fact]
    public void ReshapeIsRowMajor()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, requiresGrad: true);
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, x.Reshape(3, 2).ToArray());
        Assert.Equal(new double[,] { { 1, 2, 3, 4, 5, 6 } }, x.Reshape(1, 6).ToArray());
        Assert.Equal(new double[,] { { 1 }, { 2 }, { 3 }, { 4 }, { 5 }, { 6 } }, x.Reshape(6, 1).ToArray());

        var rng = new Rng(38);
        var y = Gen.Param(4, 6, rng, "y");
        Expect.Gradients(() => y.Reshape(3, 8), y);
        Expect.Gradients(() => y.Reshape(12, 2).Square(), y);
        Expect.Gradients(() => y.Reshape(1, 24), y);
    }
}
