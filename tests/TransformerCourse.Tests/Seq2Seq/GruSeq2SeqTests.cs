using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary><see cref="GruSeq2Seq"/>: no attention, the source squeezed into the encoder's final state.</summary>
public class GruSeq2SeqTests
{
    [Fact]
    public void ThereIsNoAttentionToShow()
    {
        var model = new GruSeq2Seq(RecurrentModels.Tiny, new Rng(12));
        var batch = RecurrentModels.Batch();
        var maps = model.AttentionMaps(batch);
        Assert.Equal(2, maps.Count);
        Assert.All(maps, m => Assert.Equal((batch.DecoderInput.Time, batch.Source.Time), (m.RowCount, m.ColumnCount)));
        Assert.All(maps, m => Assert.Equal(0.0, Expect.MaxAbs(m)));
        using var noGrad = Tensor.NoGrad();
        Assert.Null(model.Step(model.Start(batch.Source), [1, 1]).Attention);
        Assert.DoesNotContain(model.NamedParameters(), p => p.Name.StartsWith("attention", StringComparison.Ordinal));
    }

    [Fact]
    public void TheDecoderReadsTheSourceOnlyThroughItsFinalState()
    {
        // Unidirectional: the final state of [5, 6, 7] is read after 7, so the decoder cannot tell it apart from
        // the same tokens with the padding of a longer batch; and a different first token changes it.
        var model = new GruSeq2Seq(RecurrentModels.Tiny with { Bidirectional = false }, new Rng(13));
        using var noGrad = Tensor.NoGrad();
        var alone = model.Step(model.Start(Batch.Pad([[5, 6, 7]])), [1]).LogProbs;
        var padded = model.Step(model.Start(Batch.Pad([[5, 6, 7], [4, 5, 6, 7, 8]])), [1, 1]).LogProbs;
        var other = model.Step(model.Start(Batch.Pad([[4, 6, 7]])), [1]).LogProbs;
        Expect.Close(alone.Row(0), padded.Row(0), 1e-13, "same source, padded");
        Assert.True((alone.Row(0) - other.Row(0)).L2Norm() > 1e-6, "the first token must reach the final state");
    }

    [Fact]
    public void CellAndOutputReadTheContextBesideTheEmbedding()
    {
        // E = 3, D = 2·3, H_dec = 4, V = 8: the cell reads [e; c] (9), the output layer [s; c; e] (13).
        var model = new GruSeq2Seq(RecurrentModels.Tiny, new Rng(14));
        Assert.Equal((9, 4), (model.Cell.InputSize, model.Cell.HiddenSize));
        var output = model.NamedParameters().Single(p => p.Name == "out.weight");
        Assert.Equal((8, 13), (output.Value.Rows, output.Value.Cols));
    }
}
