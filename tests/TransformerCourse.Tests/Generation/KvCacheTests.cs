using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Generation;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Generation;

/// <summary>The KV cache's storage: rows appended per step, its size in bytes by formula, beam selection, and clear
/// errors.</summary>
public class KvCacheTests
{
    private static Matrix<double> Rows(int batch, int width, double offset) =>
        Matrix<double>.Build.Dense(batch, width, (b, c) => offset + 10 * b + c);

    [Fact]
    public void AppendedRowsAreStoredPerSequenceInOrder()
    {
        var cache = new KvCache(layers: 1, batch: 2, kvHeads: 2, dK: 2, maxLength: 40);
        for (int t = 0; t < 20; t++) cache.Layers[0].Append(Rows(2, 4, 100 * t), Rows(2, 4, -100 * t));
        Assert.Equal(20, cache.Length);
        // K_1 row 17 = k_17 of sequence 1: 1700 + 10 + c (past the first growth of the arrays).
        Assert.Equal([1710.0, 1711, 1712, 1713], cache.Layers[0].Keys(1)[(17 * 4)..(18 * 4)]);
        Assert.Equal([-1700.0, -1699, -1698, -1697], cache.Layers[0].Values(0)[(17 * 4)..(18 * 4)]);
    }

    [Theory]
    [InlineData(2, 3, 8, 8, 5, 30_720)]    // 2·2·3·5·8·8·8: h = g = 8 heads of d_k = 8
    [InlineData(2, 3, 2, 8, 5, 7_680)]     // grouped-query, g = 2: a quarter
    [InlineData(4, 1, 1, 16, 7, 7_168)]    // multi-query, g = 1: 2·4·1·7·1·16·8
    public void BytesAreTwoTimesLayersBatchLengthKvHeadsDkTimesEight(int layers, int batch, int g, int dk, int steps,
        long expected)
    {
        var cache = new KvCache(layers, batch, g, dk, maxLength: 64);
        Assert.Equal(0, cache.Bytes);
        for (int t = 0; t < steps; t++)
            foreach (var layer in cache.Layers) layer.Append(Rows(batch, g * dk, t), Rows(batch, g * dk, t));
        Assert.Equal(expected, cache.Bytes);
        Assert.Equal(0, cache.CrossAttentionBytes);
    }

    [Fact]
    public void MemoryKeysAreSplitPerSequenceAndCountedInCrossAttentionBytes()
    {
        var cache = new KvCache(layers: 2, batch: 2, kvHeads: 1, dK: 3, maxLength: 8);
        foreach (var layer in cache.Layers) layer.SetMemory(Rows(8, 3, 0), Rows(8, 3, 1000), 4, [4, 2]);
        Assert.Equal([50.0, 51, 52], cache.Layers[1].MemoryKeys[1][3..6]);      // row 1·4 + 1 of the memory
        Assert.Equal([4, 2], cache.Layers[0].SourceLengths);
        Assert.Equal(2L * 2 * 2 * 4 * 3 * 8, cache.CrossAttentionBytes);
    }

    [Fact]
    public void SelectCopiesEachHypothesisSoThatEachAppendsItsOwnRows()
    {
        var cache = new KvCache(layers: 1, batch: 2, kvHeads: 1, dK: 2, maxLength: 8);
        cache.Layers[0].Append(Rows(2, 2, 0), Rows(2, 2, 0));
        var beams = cache.Select([1, 1, 0]);
        Assert.Equal((3, 1), (beams.Batch, beams.Length));
        Assert.Equal([10.0, 11], beams.Layers[0].Keys(0)[..2]);
        beams.Layers[0].Append(Rows(3, 2, 500), Rows(3, 2, 500));
        Assert.Equal([500.0, 501], beams.Layers[0].Keys(0)[2..4]);
        Assert.Equal([510.0, 511], beams.Layers[0].Keys(1)[2..4]);            // its own row, not hypothesis 0's
        Assert.Equal(1, cache.Length);                                         // the original is unchanged
        Assert.Throws<ArgumentOutOfRangeException>(() => cache.Select([2]));
    }

    [Fact]
    public void AppendingBeyondMaxLengthOrWithTheWrongBatchSaysWhy()
    {
        var cache = new KvCache(layers: 1, batch: 2, kvHeads: 2, dK: 2, maxLength: 3);
        var ex = Expect.ThrowsArgument(() => cache.Layers[0].Append(Rows(3, 4, 0), Rows(3, 4, 0)),
            "KvCache.Append", "3×4", "B=2", "g·d_k=4");
        for (int t = 0; t < 3; t++) cache.Layers[0].Append(Rows(2, 4, 0), Rows(2, 4, 0));
        var full = Assert.Throws<InvalidOperationException>(() => cache.Layers[0].Append(Rows(2, 4, 0), Rows(2, 4, 0)));
        Assert.Contains("KvCache.Append: position 3", full.Message);
        Assert.Contains("MaxLength=3", full.Message);
        Expect.ThrowsArgument(() => new KvCache(0, 1, 1, 1, 1), "KvCache", "layers=0");
        Expect.ThrowsArgument(() => cache.Layers[0].SetMemory(Rows(5, 4, 0), Rows(5, 4, 0), 3, [3, 3]),
            "KvCache.SetMemory", "(2·3)×4");
    }
}
