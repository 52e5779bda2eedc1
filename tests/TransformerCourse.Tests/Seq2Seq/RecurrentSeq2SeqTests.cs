using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>
/// <see cref="RecurrentSeq2Seq"/>, the skeleton every GRU encoder–decoder shares: teacher-forced logits, step-by-step
/// decoding that agrees with them, attention maps, and the decoder state.
/// </summary>
public class RecurrentSeq2SeqTests
{
    [Theory]
    [MemberData(nameof(RecurrentModels.Kinds), MemberType = typeof(RecurrentModels))]
    public void LogitsHaveOneRowPerTargetPosition(string kind)
    {
        var model = RecurrentModels.Make(kind, RecurrentModels.Tiny, new Rng(2));
        var batch = RecurrentModels.Batch();
        var logits = model.Logits(batch);
        Assert.Equal(batch.Size * batch.DecoderTarget.Time, logits.Rows);
        Assert.Equal(RecurrentModels.Tiny.TargetVocab, logits.Cols);
    }

    [Theory]
    [MemberData(nameof(RecurrentModels.Kinds), MemberType = typeof(RecurrentModels))]
    public void StepwiseDecodingAgreesWithTeacherForcing(string kind)
    {
        // Feeding the decoder its target one token at a time must give the same log-probabilities as the
        // teacher-forced pass.
        var model = RecurrentModels.Make(kind, RecurrentModels.Tiny, new Rng(4));
        var batch = RecurrentModels.Batch();
        using var noGrad = Tensor.NoGrad();
        var logp = model.Logits(batch).LogSoftmax().Data;
        var state = model.Start(batch.Source);
        int time = batch.DecoderInput.Time;
        for (int t = 0; t < time; t++)
        {
            var previous = Enumerable.Range(0, batch.Size).Select(b => batch.DecoderInput.Ids[b, t]).ToList();
            var step = model.Step(state, previous);
            for (int b = 0; b < batch.Size; b++)
                Expect.Close(logp.Row(b * time + t), step.LogProbs.Row(b), 1e-12, $"step {t}, sequence {b}");
            state = step.State;
        }
    }

    [Theory]
    [InlineData("bahdanau")]
    [InlineData("luong-general")]
    public void AttentionIsADistributionOverRealSourceTokens(string kind)
    {
        var model = RecurrentModels.Make(kind, RecurrentModels.Tiny, new Rng(6));
        var batch = RecurrentModels.Batch();
        var maps = model.AttentionMaps(batch);
        Assert.Equal(2, maps.Count);
        for (int b = 0; b < 2; b++)
        {
            int len = batch.Source.Lengths[b];
            for (int t = 0; t < maps[b].RowCount; t++)
            {
                var row = maps[b].Row(t);
                Expect.Close(1.0, row.Sum(), 1e-12, $"Σ_j a_{t}j of sequence {b}");
                Assert.All(row, a => Assert.True(a >= 0));
                for (int j = len; j < row.Count; j++) Assert.Equal(0.0, row[j]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RecurrentModels.Kinds), MemberType = typeof(RecurrentModels))]
    public void SelectedHypothesesStepLikeTheRowsTheyCopy(string kind)
    {
        var model = RecurrentModels.Make(kind, RecurrentModels.Tiny, new Rng(7));
        using var noGrad = Tensor.NoGrad();
        var state = model.Start(RecurrentModels.Batch().Source);
        Assert.Equal(2, state.Count);
        Assert.Equal([0, 1], state.Sources);
        var full = model.Step(state, [1, 1]);
        var picked = state.Select([1, 1, 0]);
        Assert.Equal([1, 1, 0], picked.Sources);
        var step = model.Step(picked, [1, 1, 1]);
        Assert.Equal((3, RecurrentModels.Tiny.TargetVocab), (step.LogProbs.RowCount, step.LogProbs.ColumnCount));
        Expect.Close(full.LogProbs.Row(1), step.LogProbs.Row(0), 1e-12, "hypothesis 0 (source 1)");
        Expect.Close(full.LogProbs.Row(1), step.LogProbs.Row(1), 1e-12, "hypothesis 1 (source 1)");
        Expect.Close(full.LogProbs.Row(0), step.LogProbs.Row(2), 1e-12, "hypothesis 2 (source 0)");
        Assert.Equal(RecurrentModels.Tiny.TargetVocab, model.TargetVocabSize);
        Assert.Equal(RecurrentModels.Tiny with { DecoderHidden = model.Sizes.DecoderHidden }, model.Sizes);
    }

    [Fact]
    public void StepSaysWhatIsWrongWithItsArguments()
    {
        var model = RecurrentModels.Make("bahdanau", RecurrentModels.Tiny, new Rng(8));
        using var noGrad = Tensor.NoGrad();
        var state = model.Start(RecurrentModels.Batch().Source);
        Expect.ThrowsArgument(() => model.Step(state, [1]), "Step: 1 previous tokens for 2 hypotheses.");
        Expect.ThrowsArgument(() => model.Step(new ForeignState(), [1]), "Step: the state was not made by this model.");
        Assert.Throws<ArgumentNullException>(() => model.Logits(null!));
        Assert.Throws<ArgumentNullException>(() => model.Start(null!));
    }

    private sealed class ForeignState : DecoderState
    {
        public override int Count => 1;

        public override IReadOnlyList<int> Sources => [0];

        public override DecoderState Select(IReadOnlyList<int> rows) => this;
    }

    /// <summary>
    /// Additive attention's U·h_j is projected once per source: selecting hypotheses (as beam search does every step)
    /// gathers rows of the projected keys, which equal a fresh projection of the selected states.
    /// </summary>
    [Fact]
    public void SelectingAMemoryGathersTheProjectedKeysInsteadOfProjectingAgain()
    {
        var model = (BahdanauSeq2Seq)RecurrentModels.Make("bahdanau", RecurrentModels.Tiny, new Rng(9));
        var source = RecurrentModels.Batch().Source;
        using var noGrad = Tensor.NoGrad();
        var encoded = model.Encoder.Forward(source);
        var keys = model.Attention.ProjectKeys(encoded.States);
        var memory = new Memory(encoded, new SequenceBatch(encoded.Batch, encoded.Time, encoded.Lengths), keys);
        var selected = memory.Select([1, 0, 1]);
        var fresh = model.Attention.ProjectKeys(encoded.Select([1, 0, 1]).States);
        Expect.Close(fresh.Data, selected.Keys!.Data, 1e-12, "U·h of the selected sources");
        Assert.Equal([encoded.Lengths[1], encoded.Lengths[0], encoded.Lengths[1]], selected.Layout.Lengths!);
        Assert.Null((memory with { Keys = null }).Select([0]).Keys);
    }
}
