using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Nn;
using TransformerCourse.Generation;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;
using TransformerCourse.Training;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// <see cref="Seq2SeqTransformer"/> as a <see cref="Seq2SeqModel"/>: teacher-forced logits, and step-by-step decoding
/// (Start, Step, Select) that agrees with them.
/// </summary>
public class Seq2SeqTransformerGenerationTests
{
    private static Seq2SeqTransformer Model(int seed) =>
        new(11, 13, EncoderTests.Small with { EncoderLayers = 1 }, new Rng((ulong)seed));

    private static Seq2SeqBatch TwoPairs() =>
        Seq2SeqBatch.Create([new([4, 5, 6, 7], [5, 6, 9]), new([8, 4], [7, 12])], [0, 1]);

    [Fact]
    public void LogitsScoreEveryTargetPositionOverTheTargetVocabulary()
    {
        var model = Model(1);
        var batch = TwoPairs();
        var logits = model.Logits(batch);
        Assert.Equal(13, model.TargetVocabSize);
        Assert.Equal((batch.Size * batch.DecoderInput.Time, 13), (logits.Rows, logits.Cols));
        Assert.Same(model.CrossAttentionWeights[0], model.CrossAttention[0]);
        Assert.Equal(batch.Source.Time, model.CrossAttention[0]!.KeyLength);
    }

    [Fact]
    public void StepwiseDecodingAgreesWithTeacherForcing()
    {
        var model = Model(2);
        var batch = TwoPairs();
        using var noGrad = Tensor.NoGrad();
        var logp = model.Logits(batch).LogSoftmax().Data;
        var teacherCross = Enumerable.Range(0, 2).Select(b => model.CrossAttention[^1]!.MeanOverHeads(b)).ToList();
        var state = model.Start(batch.Source);
        Assert.Equal(2, state.Count);
        int time = batch.DecoderInput.Time;
        for (int t = 0; t < time; t++)
        {
            var step = model.Step(state, [batch.DecoderInput.Ids[0, t], batch.DecoderInput.Ids[1, t]]);
            for (int b = 0; b < 2; b++)
            {
                if (t >= batch.DecoderInput.Lengths[b]) continue; // after its end a target is padding
                Expect.Close(logp.Row(b * time + t), step.LogProbs.Row(b), 1e-10, $"log p, step {t}, sequence {b}");
                Expect.Close(teacherCross[b].Row(t), step.Attention!.Row(b), 1e-10, $"attention {t}, {b}");
            }
            state = step.State;
        }
    }

    [Fact]
    public void StepAttentionIsAMeanOverHeadsOverRealSourceTokens()
    {
        var model = Model(3);
        var source = TwoPairs().Source;
        using var noGrad = Tensor.NoGrad();
        var step = model.Step(model.Start(source), [1, 1]);
        var attention = step.Attention!;
        Assert.Equal((2, source.Time), (attention.RowCount, attention.ColumnCount));
        for (int b = 0; b < 2; b++)
        {
            Expect.Close(1.0, attention.Row(b).Sum(), 1e-12, $"Σ_j a_j of sequence {b}");
            for (int j = source.Lengths[b]; j < source.Time; j++) Assert.Equal(0.0, attention[b, j]);
        }
        Expect.Close(1.0, step.LogProbs.Row(0).Select(Math.Exp).Sum(), 1e-12, "Σ p over the vocabulary");
    }

    [Fact]
    public void SelectedHypothesesKeepTheirSourceAndPrefix()
    {
        var model = Model(4);
        using var noGrad = Tensor.NoGrad();
        var first = model.Step(model.Start(TwoPairs().Source), [1, 1]);
        var full = model.Step(first.State, [5, 7]);
        var picked = first.State.Select([1, 0, 1]);
        Assert.Equal([1, 0, 1], picked.Sources);
        var step = model.Step(picked, [7, 5, 7]);
        Expect.Close(full.LogProbs.Row(1), step.LogProbs.Row(0), 1e-12, "hypothesis 0 = row 1");
        Expect.Close(full.LogProbs.Row(0), step.LogProbs.Row(1), 1e-12, "hypothesis 1 = row 0");
        Expect.Close(full.LogProbs.Row(1), step.LogProbs.Row(2), 1e-12, "hypothesis 2 = row 1");
        Expect.Close(full.Attention!.Row(0), step.Attention!.Row(1), 1e-12, "attention of hypothesis 1");
    }

    [Fact]
    public void StepSaysWhatIsWrongWithItsArguments()
    {
        var model = Model(5);
        using var noGrad = Tensor.NoGrad();
        var state = model.Start(TwoPairs().Source);
        Expect.ThrowsArgument(() => model.Step(state, [1, 1, 1]), "Step: 3 previous tokens for 2 hypotheses.");
        var gru = new GruSeq2Seq(new Seq2SeqSizes(11, 13, 3, 3, 4, 3), new Rng(5));
        Expect.ThrowsArgument(() => model.Step(gru.Start(TwoPairs().Source), [1, 1]),
            "Step: the state was not made by this model.");
        Assert.Throws<ArgumentNullException>(() => model.Start(null!));
        Assert.Throws<ArgumentNullException>(() => model.Logits(null!));
    }

    /// <summary>
    /// Decoding with and without the KV cache: greedy and beam search give the same tokens, scores (≤ 1e-12) and
    /// attention, for post-LN and pre-LN and every kind of position, with a padded batch of sources.
    /// </summary>
    [Theory]
    [MemberData(nameof(CachedDecodingTests.Variants), MemberType = typeof(CachedDecodingTests))]
    public void GreedyAndBeamGiveTheSameResultsWithAndWithoutTheCache(bool normFirst, PositionalEncodingKind kind)
    {
        var config = CachedDecodingTests.Config with { NormFirst = normFirst, Positional = kind, MaxLength = 16 };
        var model = new Seq2SeqTransformer(11, 13, config, new Rng(21));
        ((Linear)model.Generator).Bias!.Data[0, Vocabulary.Eos] -= 2;           // longer outputs: more steps compared
        var sources = Batch.Pad([[4, 5, 6, 7, 8], [9, 4], [10, 6, 5]]);
        var runs = new[] { true, false }.Select(useCache =>
        {
            model.UseCache = useCache;
            return (Greedy: Decoding.Greedy(model, sources, 10), Beam: Decoding.Beam(model, sources, 3, 10));
        }).ToList();
        foreach (var (cached, uncached, what) in new[] { (runs[0].Greedy, runs[1].Greedy, "greedy"),
            (runs[0].Beam, runs[1].Beam, "beam") })
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(uncached[i].Tokens, cached[i].Tokens);
                Expect.Close(uncached[i].LogProb, cached[i].LogProb, 1e-12, $"{what} log p of source {i}");
                Expect.Close(uncached[i].Attention!, cached[i].Attention!, 1e-12, $"{what} attention of source {i}");
            }
            Assert.True(cached.Sum(d => d.Tokens.Length) >= 10, $"{what}: too few tokens to compare");
        }
    }

    [Fact]
    public void ACachedStateStepsTheSameWayTwice()
    {
        var model = Model(6);
        using var noGrad = Tensor.NoGrad();
        var start = model.Step(model.Start(TwoPairs().Source), [1, 1]).State;
        var once = model.Step(start, [5, 7]);
        var twice = model.Step(start, [5, 7]);                                   // its cache has grown meanwhile
        Expect.Close(once.LogProbs, twice.LogProbs, 0, "log p of the same step");
        var next = model.Step(once.State, [6, 6]);
        model.UseCache = false;
        var uncached = model.Step(model.Step(model.Step(model.Start(TwoPairs().Source), [1, 1]).State, [5, 7]).State,
            [6, 6]);
        Expect.Close(uncached.LogProbs, next.LogProbs, 1e-12, "log p after three steps");
    }
}
