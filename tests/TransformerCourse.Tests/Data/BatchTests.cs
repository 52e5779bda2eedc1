using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

public class BatchTests
{
    [Fact]
    public void Pad_GivesShapesLengthsPaddingAndMask()
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
    public void Flat_IsRowBTimesTPlusT()
    {
        var batch = Batch.Pad([[5, 6], [7]], padTo: 4);
        Assert.Equal(4, batch.Time);
        Assert.Equal([5, 6, 0, 0, 7, 0, 0, 0], batch.FlatIds());
        Assert.Equal([true, true, false, false, true, false, false, false], batch.FlatMask());
    }

    [Fact]
    public void Pad_RejectsEmptyBatchesAndShortPadTo()
    {
        Assert.Throws<ArgumentException>(() => Batch.Pad([]));
        var error = Assert.Throws<ArgumentException>(() => Batch.Pad([[1, 2, 3]], padTo: 2));
        Assert.Contains("padTo 2", error.Message);
    }

    [Fact]
    public void TeacherForcing_ShiftsByOne()
    {
        Assert.Equal([1, 7, 8, 9], TeacherForcing.DecoderInput([7, 8, 9]));
        Assert.Equal([7, 8, 9, 2], TeacherForcing.DecoderTarget([7, 8, 9]));
    }

    [Fact]
    public void Seq2SeqBatch_HasTeacherForcedDecoderSides()
    {
        EncodedPair[] pairs = [new([4, 5, 6], [7]), new([4], [8, 9, 10])];
        var batch = Seq2SeqBatch.Create(pairs, [1, 0]);
        Assert.Equal([1, 0], batch.Indices);
        Assert.Equal(new[,] { { 4, 0, 0 }, { 4, 5, 6 } }, batch.Source.Ids);
        Assert.Equal(new[,] { { 1, 8, 9, 10 }, { 1, 7, 0, 0 } }, batch.DecoderInput.Ids);
        Assert.Equal(new[,] { { 8, 9, 10, 2 }, { 7, 2, 0, 0 } }, batch.DecoderTarget.Ids);
        Assert.Equal(batch.DecoderInput.Mask, batch.DecoderTarget.Mask);
        Assert.Equal([4, 2], batch.DecoderTarget.Lengths);
    }

    [Fact]
    public void Bucketing_UsesEveryIndexOnce_AndIsAPureFunctionOfSeedAndEpoch()
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
    public void Bucketing_CutsPadding()
    {
        // Lengths 1..40 at random: batches of 16 drawn at random pad to ~max of 16 draws; sorted pools pad far less.
        var rng = new SplitMix64(11);
        var lengths = Enumerable.Range(0, 4000).Select(_ => rng.Next(1, 40)).ToList();
        int Padding(IReadOnlyList<int[]> plan) => plan.Sum(b => b.Length * b.Max(i => lengths[i]) - b.Sum(i => lengths[i]));
        int unsorted = Padding(Bucketing.Plan(lengths, 16, seed: 1, poolSize: 16));   // pool = one batch: no bucketing
        int bucketed = Padding(Bucketing.Plan(lengths, 16, seed: 1));                  // pool = 50 batches
        Assert.True(bucketed * 10 < unsorted, $"bucketed padding {bucketed} vs unsorted {unsorted}");
        // inside a batch the lengths differ little
        Assert.All(Bucketing.Plan(lengths, 16, seed: 1), b => Assert.InRange(b.Max(i => lengths[i]) - b.Min(i => lengths[i]), 0, 3));
    }

    [Fact]
    public void Epoch_And_InOrder_CoverTheData()
    {
        var pairs = TokenTasks.Generate(TokenTask.Reverse, 100, 3, 9, seed: 1);
        var encoder = PairEncoder.Build(pairs, CharTokenizer.Instance, CharTokenizer.Instance);
        var encoded = encoder.EncodeAll(pairs);
        var epoch = Seq2SeqBatch.Epoch(encoded, batchSize: 8, seed: 3, epoch: 0).ToList();
        Assert.Equal(Enumerable.Range(0, 100), epoch.SelectMany(b => b.Indices).Order());
        var inOrder = Seq2SeqBatch.InOrder(encoded, 8).ToList();
        Assert.Equal(13, inOrder.Count);
        Assert.Equal(Enumerable.Range(0, 100), inOrder.SelectMany(b => b.Indices));
        var first = inOrder[0];
        Assert.Equal(pairs[0].Source, encoder.DecodeSource(first.Source.Row(0)));
        Assert.Equal(pairs[0].Target, encoder.DecodeTarget(first.DecoderTarget.Row(0)));
    }
}
