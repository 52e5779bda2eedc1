using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

public class SplitMix64Tests
{
    [Fact]
    public void Seed0MatchesTheReferenceImplementation()
    {
        // First outputs of Vigna's splitmix64.c with x = 0 (also computed by hand-written Python, see the report).
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, rng.NextUInt64());
    }

    [Fact]
    public void NextStaysInRangeAndHitsEveryValue()
    {
        var rng = new SplitMix64(7);
        var counts = new int[6];
        for (int i = 0; i < 6000; i++) counts[rng.Next(6)]++;
        Assert.All(counts, c => Assert.InRange(c, 850, 1150));  // ≈ 1000 each; 5 σ ≈ 145
        for (int i = 0; i < 1000; i++) Assert.InRange(rng.Next(3, 5), 3, 5);
    }

    [Fact]
    public void ShuffleIsAPermutationAndSeeded()
    {
        int[] a = [.. Enumerable.Range(0, 50)], b = [.. Enumerable.Range(0, 50)];
        new SplitMix64(3).Shuffle(a);
        new SplitMix64(3).Shuffle(b);
        Assert.Equal(a, b);
        Assert.NotEqual(Enumerable.Range(0, 50), a);
        Assert.Equal(Enumerable.Range(0, 50), a.Order());
    }

    [Fact]
    public void StreamsDifferByStream()
    {
        Assert.NotEqual(SplitMix64.ForStream(1, 0).NextUInt64(), SplitMix64.ForStream(1, 1).NextUInt64());
        Assert.Equal(SplitMix64.ForStream(1, 5).NextUInt64(), SplitMix64.ForStream(1, 5).NextUInt64());
    }
}
