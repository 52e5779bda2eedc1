using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

/// <summary>The batch layout: row b·T + t is token t of sequence b, padding included.</summary>
public class SequenceBatchTests
{
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
        Expect.ThrowsArgument(() => new SequenceBatch(2, 3, [3]), "1 lengths", "2 sequences");
        Expect.ThrowsArgument(() => batch.CheckRows("Op", Tensor.Zeros(5, 2)), "Op", "5×2", "B·T = 6");
    }
}
