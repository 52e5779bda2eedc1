using TransformerCourse.Data;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>The training loop on short runs: learning happens, runs repeat exactly, evaluation counts correctly.</summary>
public class TrainerTests
{
    private static (PairEncoder Encoder, IReadOnlyList<EncodedPair> Train, IReadOnlyList<EncodedPair> Valid) ReverseTask()
    {
        var splits = TokenTasks.Splits(TokenTask.Reverse, 2_000, 100, 100, 1, 5, seed: 3);
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        return (encoder, encoder.EncodeAll(splits.Train), encoder.EncodeAll(splits.Valid));
    }

    private static (Trainer Trainer, BahdanauSeq2Seq Model) Make(PairEncoder encoder, int steps, int seed = 1)
    {
        var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, Embed: 16, EncoderHidden: 32, DecoderHidden: 64, Attention: 32);
        var model = new BahdanauSeq2Seq(sizes, new Rng((ulong)seed));
        var options = new TrainingOptions { BatchSize = 32, MaxSteps = steps, Epochs = 100, EvalEvery = steps, Seed = seed };
        return (new Trainer(model, new Adam(model.Parameters(), 3e-3), options), model);
    }

    [Fact]
    public void AShortRunLearnsToReverseDigits()
    {
        var (encoder, train, valid) = ReverseTask();
        var (trainer, _) = Make(encoder, 250);
        var history = trainer.Fit(train, valid);
        var last = history[^1];
        // Chance: 1/V per token (V = 14) → loss ln 14 ≈ 2.64 and exact match ≈ 0 for 1–5 digit strings.
        Assert.True(last.ValidLoss < 0.5, $"validation loss {last.ValidLoss} should be far below ln 14 ≈ 2.64");
        Assert.True(last.TokenAccuracy > 0.85, $"token accuracy {last.TokenAccuracy}");
        Assert.True(last.ExactMatch > 0.5, $"exact match {last.ExactMatch}");
        Assert.Equal(250, last.Step);
    }

    [Fact]
    public void TheSameSeedGivesTheSameLosses()
    {
        var (encoder, train, valid) = ReverseTask();
        double[] Losses()
        {
            var (trainer, _) = Make(encoder, 12);
            var losses = new List<double>();
            trainer.OnProgress = p => { if (p.LastEvaluation is null || p.LastEvaluation.Step != p.Step) losses.Add(p.Loss); };
            trainer.Fit(train, valid.Take(10).ToList());
            return [.. losses];
        }
        var a = Losses();
        var b = Losses();
        Assert.Equal(12, a.Length);
        Assert.Equal(a, b);
    }

    [Fact]
    public void EvaluateCountsExactMatches()
    {
        var (encoder, train, _) = ReverseTask();
        var (_, model) = Make(encoder, 1);
        var eval = Trainer.Evaluate(model, train.Take(20).ToList(), batchSize: 8, maxDecodeLength: 8);
        Assert.Equal(20, eval.Count);
        Assert.InRange(eval.ExactMatch, 0, 1);
        Assert.True(eval.Loss > 1.0, "an untrained model should be near chance");
    }

    [Fact]
    public void AnEmptyTrainingSetIsAnError()
    {
        var (encoder, _, valid) = ReverseTask();
        var (trainer, _) = Make(encoder, 1);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit([], valid));
        Assert.Contains("empty", ex.Message);
    }
}
