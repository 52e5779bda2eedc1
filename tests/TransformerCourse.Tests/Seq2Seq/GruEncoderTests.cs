using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>
/// <see cref="GruEncoder"/> and <see cref="Encoded"/>: shapes, padding, row selection, the embedding hook.
/// </summary>
public class GruEncoderTests
{
    private static Batch Sources() => Batch.Pad([[4, 5, 6, 7], [8, 4]]);

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public void StatesAreOneRowPerSourcePositionAndDWide(bool bidirectional, int directions)
    {
        var encoder = new GruEncoder(vocabSize: 9, embedDim: 3, hiddenSize: 5, new Rng(1), bidirectional);
        var encoded = encoder.Forward(Sources());
        Assert.Equal(5 * directions, encoder.OutputSize);
        Assert.Equal((2 * 4, 5 * directions), (encoded.States.Rows, encoded.States.Cols));
        Assert.Equal((2, 5 * directions), (encoded.Final.Rows, encoded.Final.Cols));
        Assert.Equal([4, 2], encoded.Lengths);
        Assert.Equal(4, encoded.Time);
        Assert.Equal(2, encoded.Batch);
        // The second source has 2 real tokens of 4: its padding rows 4·1 + 2 and 4·1 + 3 are zero.
        Assert.Equal(0.0, Expect.MaxAbs(encoded.States.Data.SubMatrix(6, 2, 0, 5 * directions)));
        Assert.True(Expect.MaxAbs(encoded.States.Data.SubMatrix(4, 2, 0, 5 * directions)) > 0);
    }

    [Fact]
    public void FinalIsTheForwardStateAtTheLastTokenAndTheBackwardStateAtTheFirst()
    {
        var encoder = new GruEncoder(9, 3, 5, new Rng(2), bidirectional: true);
        var encoded = encoder.Forward(Sources());
        int[] last = [3, 1];
        for (int b = 0; b < 2; b++)
        {
            var (states, final) = (encoded.States.Data, encoded.Final.Data);
            Expect.Close(states.Row(b * 4 + last[b]).SubVector(0, 5), final.Row(b).SubVector(0, 5),
                0, $"forward half of Final, source {b}");
            Expect.Close(encoded.States.Data.Row(b * 4).SubVector(5, 5), encoded.Final.Data.Row(b).SubVector(5, 5),
                0, $"backward half of Final, source {b}");
        }
    }

    [Fact]
    public void PaddingDoesNotChangeTheStatesOfRealTokens()
    {
        var encoder = new GruEncoder(9, 3, 4, new Rng(3), bidirectional: true);
        using var noGrad = Tensor.NoGrad();
        var alone = encoder.Forward(Batch.Pad([[8, 4]]));
        var padded = encoder.Forward(Sources());
        Expect.Close(alone.States.Data, padded.States.Data.SubMatrix(4, 2, 0, 8), 1e-14, "states of [8, 4]");
        Expect.Close(alone.Final.Data.Row(0), padded.Final.Data.Row(1), 1e-14, "final state of [8, 4]");
    }

    [Fact]
    public void SelectRepeatsTheRowsOfTheChosenSources()
    {
        var encoded = new GruEncoder(9, 3, 2, new Rng(4)).Forward(Sources());
        var picked = encoded.Select([1, 1, 0]);
        Assert.Equal([2, 2, 4], picked.Lengths);
        Assert.Equal(4, picked.Time);
        Assert.Equal(3 * 4, picked.States.Rows);
        var (before, after) = (encoded.States.Data, picked.States.Data);
        Expect.Close(before.SubMatrix(4, 4, 0, 4), after.SubMatrix(0, 4, 0, 4), 0, "copy 1 of source 1");
        Expect.Close(before.SubMatrix(4, 4, 0, 4), after.SubMatrix(4, 4, 0, 4), 0, "copy 2 of source 1");
        Expect.Close(before.SubMatrix(0, 4, 0, 4), after.SubMatrix(8, 4, 0, 4), 0, "source 0");
        Expect.Close(encoded.Final.Data.Row(0), picked.Final.Data.Row(2), 0, "final of source 0");
    }

    [Fact]
    public void NullSourceIsRefused() =>
        Assert.Throws<ArgumentNullException>(() => new GruEncoder(9, 3, 2, new Rng(5)).Forward(null!));

    [Fact]
    public void EmbeddingHookGivesTheGradientOfEachSourcePosition()
    {
        var model = new GruSeq2Seq(RecurrentModels.Tiny with { Bidirectional = false }, new Rng(5));
        var batch = RecurrentModels.Batch();
        Tensor? embedded = null;
        model.Encoder.OnEmbedded = x => embedded = x;
        model.Loss(batch).Backward();

        Assert.NotNull(embedded);
        int time = batch.Source.Time;
        Assert.Equal(batch.Size * time, embedded!.Rows);
        Assert.Equal(RecurrentModels.Tiny.Embed, embedded.Cols);
        var grad = embedded.Grad!;
        // Padding positions (the second source has 2 of 4 tokens) are never read: zero gradient.
        Assert.Equal(0.0,
            grad.SubMatrix(time + 2, 2, 0, RecurrentModels.Tiny.Embed).Enumerate().Select(Math.Abs).Max());
        // Chain rule through the lookup: the embedding table's gradient row k is the sum of the positions holding
        // token k.
        var ids = batch.Source.FlatIds();
        var table = model.Encoder.Embedding.Weight.Grad!;
        for (int k = 1; k < RecurrentModels.Tiny.SourceVocab; k++)
        {
            var sum = new double[RecurrentModels.Tiny.Embed];
            for (int r = 0; r < ids.Length; r++)
                if (ids[r] == k)
                    for (int c = 0; c < RecurrentModels.Tiny.Embed; c++) sum[c] += grad[r, c];
            for (int c = 0; c < RecurrentModels.Tiny.Embed; c++) Assert.Equal(table[k, c], sum[c], 12);
        }
        Assert.True(grad.Row(0).L2Norm() > 0);
    }
}
