using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

public class BatchTests
{
    [Fact]
    public void PadGivesShapesLengthsPaddingAndMask()
    {
        var batch = Batch.Pad([[5, 6, 7], [8], [9, 10]]);
        Assert.Equal((3, 3), (batch.Size, batch.Time));
        Assert.Equal([3, 1, 2], batch.Lengths);
        Assert.Equal(new[,] { { 5, 6, 7 }, { 8, 0, 0 }, { 9, 10, 0 } }, batch.Ids);
        Assert.Equal(new[,] { { true, true, true }, { true, false, false }, { true, true, false } }, batch.Mask);
        Assert.Equal(6, batch.TokenCount);
        Assert.Equal([9, 10], batch.Row(2));
    }

    [Fact]
    public void FlatIsRowBTimesTPlusT()
    {
        var batch = Batch.Pad([[5, 6], [7]], padTo: 4);
        Assert.Equal(4, batch.Time);
        Assert.Equal([5, 6, 0, 0, 7, 0, 0, 0], batch.FlatIds());
        Assert.Equal([true, true, false, false, true, false, false, false], batch.FlatMask());
    }

    [Fact]
    public void PadRejectsEmptyBatchesAndShortPadTo()
    {
        Assert.Throws<ArgumentException>(() => Batch.Pad([]));
        var error = Assert.Throws<ArgumentException>(() => Batch.Pad([[1, 2, 3]], padTo: 2));
        Assert.Contains("padTo 2", error.Message);
    }
}
