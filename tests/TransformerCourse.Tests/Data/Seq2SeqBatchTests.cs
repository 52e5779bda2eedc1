using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>Sequence-to-sequence batches: teacher-forced decoder sides, and epochs and in-order passes
/// that cover the data.</summary>
public class Seq2SeqBatchTests
{
    [Fact]
    public void Seq2SeqBatchHasTeacherForcedDecoderSides()
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
    public void EpochAndInOrderCoverTheData()
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
