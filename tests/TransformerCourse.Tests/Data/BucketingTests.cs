using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>Length bucketing: every index once, a pure function of seed and epoch, less padding.</summary>
public class BucketingTests
{
    [Fact]
    public void BucketingUsesEveryIndexOnceAndIsAPureFunctionOfSeedAndEpoch()
    {
        var lengths = Enumerable.Range(0, 1003).Select(i => 1 + i * 37 % 29).ToList();
        var plan = Bucketing.Plan(lengths, batchSize: 16, seed: 5, epoch: 2, poolSize: 160);
        Assert.Equal(Enumerable.Range(0, 1003), plan.SelectMany(b => b).Order());
        Assert.All(plan, b => Assert.InRange(b.Length, 1, 16));
        Assert.Equal(plan, Bucketing.Plan(lengths, 16, 5, 2, 160));
        Assert.NotEqual(plan, Bucketing.Plan(lengths, 16, 5, 3, 160));
        Assert.NotEqual(plan, Bucketing.Plan(lengths, 16, 6, 2, 160));
    }

    [Fact]
    public void BucketingCutsPadding()
    {
        // Lengths 1..40 at random: batches of 16 drawn at random pad to ~max of 16 draws; sorted pools pad far less.
        var rng = new SplitMix64(11);
        var lengths = Enumerable.Range(0, 4000).Select(_ => rng.Next(1, 40)).ToList();
        int Padding(IReadOnlyList<int[]> plan) =>
            plan.Sum(b => b.Length * b.Max(i => lengths[i]) - b.Sum(i => lengths[i]));
        int unsorted = Padding(Bucketing.Plan(lengths, 16, seed: 1, poolSize: 16));   // pool = one batch: no bucketing
        int bucketed = Padding(Bucketing.Plan(lengths, 16, seed: 1));                  // pool = 50 batches
        Assert.True(bucketed * 10 < unsorted, $"bucketed padding {bucketed} vs unsorted {unsorted}");
        // inside a batch the lengths differ little
        Assert.All(Bucketing.Plan(lengths, 16, seed: 1),
            b => Assert.InRange(b.Max(i => lengths[i]) - b.Min(i => lengths[i]), 0, 3));
    }
}
