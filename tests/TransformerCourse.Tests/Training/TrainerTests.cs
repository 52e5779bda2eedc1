using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>The training loop on short runs: learning happens, runs repeat exactly,
/// evaluation counts correctly.</summary>
public class TrainerTests
{
    private static (PairEncoder Encoder, IReadOnlyList<EncodedPair> Train,
        IReadOnlyList<EncodedPair> Valid) ReverseTask()
    {
        var splits = TokenTasks.Splits(TokenTask.Reverse, 2_000, 100, 100, 1, 5, seed: 3);
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        return (encoder, encoder.EncodeAll(splits.Train), encoder.EncodeAll(splits.Valid));
    }

    private static (Trainer Trainer, BahdanauSeq2Seq Model) Make(PairEncoder encoder, int steps, int seed = 1)
    {
        var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, Embed: 16,
            EncoderHidden: 32, DecoderHidden: 64, Attention: 32);
        var model = new BahdanauSeq2Seq(sizes, new Rng((ulong)seed));
        var options =
            new TrainingOptions { BatchSize = 32, MaxSteps = steps, Epochs = 100, EvalEvery = steps, Seed = seed };
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
    public void TheLastRecordOfAFullRunBelongsToTheLastEpoch()
    {
        // 2 epochs of 200 pairs in batches of 50 = 8 steps; evaluations at steps 3 and 6 (EvalEvery 3), then the
        // final one at step 8 for the two steps since: epochs 1, 2, 2 (the loop has already counted a third).
        var (encoder, train, valid) = ReverseTask();
        var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, 8, 8, 8, 8);
        var model = new BahdanauSeq2Seq(sizes, new Rng(1));
        var options = new TrainingOptions { BatchSize = 50, Epochs = 2, EvalEvery = 3, Seed = 1 };
        var trainer = new Trainer(model, new Adam(model.Parameters(), 1e-3), options);
        var history = trainer.Fit(train.Take(200).ToList(), valid.Take(5).ToList());
        Assert.Equal([3, 6, 8], history.Select(h => h.Step));
        Assert.Equal([1, 2, 2], history.Select(h => h.Epoch));
    }

    [Fact]
    public void TheSameSeedGivesTheSameLosses()
    {
        var (encoder, train, valid) = ReverseTask();
        double[] Losses()
        {
            var (trainer, _) = Make(encoder, 12);
            var losses = new List<double>();
            trainer.OnProgress = p =>
                { if (p.LastEvaluation is null || p.LastEvaluation.Step != p.Step) losses.Add(p.Loss); };
            trainer.Fit(train, valid.Take(10).ToList());
            return [.. losses];
        }
        var a = Losses();
        var b = Losses();
        Assert.Equal(12, a.Length);
        Assert.Equal(a, b);
    }

    /// <summary>
    /// A hand-made model that copies its source and then ends: at target position t it gives source token t (end of
    /// sequence after the last) logit 1 and every other token of its vocabulary of V = 6 logit 0.
    /// </summary>
    private sealed class CopyModel : Seq2SeqModel
    {
        public const int V = 6;

        public override int TargetVocabSize => V;

        private static int Predict(int[] source, int t) => t < source.Length ? source[t] : Vocabulary.Eos;

        public override Tensor Logits(Seq2SeqBatch batch)
        {
            int time = batch.DecoderTarget.Time;
            var logits = Matrix<double>.Build.Dense(batch.Size * time, V);
            for (int b = 0; b < batch.Size; b++)
            {
                for (int t = 0; t < time; t++) logits[b * time + t, Predict(batch.Source.Row(b), t)] = 1.0;
            }
            return Tensor.Constant(logits);
        }

        public override DecoderState Start(Batch source) =>
            new Position(Enumerable.Range(0, source.Size).ToList(), source, 0);

        public override StepResult Step(DecoderState state, IReadOnlyList<int> previous)
        {
            var s = (Position)state;
            var logProbs = Matrix<double>.Build.Dense(s.Count, V, -Math.Log(Math.E + V - 1));
            for (int i = 0; i < s.Count; i++)
                logProbs[i, Predict(s.Source.Row(s.Rows[i]), s.T)] = 1 - Math.Log(Math.E + V - 1);
            return new StepResult(logProbs, null, new Position(s.Rows, s.Source, s.T + 1));
        }

        private sealed class Position(List<int> rows, Batch source, int t) : DecoderState
        {
            public List<int> Rows => rows;

            public Batch Source => source;

            public int T => t;

            public override int Count => rows.Count;

            public override IReadOnlyList<int> Sources => rows;

            public override DecoderState Select(IReadOnlyList<int> r) =>
                new Position(r.Select(i => rows[i]).ToList(), source, t);
        }
    }

    [Fact]
    public void EvaluateCountsExactMatches()
    {
        // Targets get an end of sequence (2) appended: the copying model predicts [4 5 eos], [4 4 eos] and [5 eos].
        var pairs = new List<EncodedPair>
        {
            new([4, 5], [4, 5]),     // copied exactly: 3 of 3 tokens right
            new([4, 4], [4, 5]),     // the second token is wrong: 2 of 3, not an exact match
            new([5], [5]),           // copied exactly: 2 of 2
        };
        var eval = Trainer.Evaluate(new CopyModel(), pairs, batchSize: 2, maxDecodeLength: 5);
        Assert.Equal(3, eval.Count);
        Assert.Equal(2.0 / 3, eval.ExactMatch, 15);
        Assert.Equal(7.0 / 8, eval.TokenAccuracy, 15);
        // A right token costs −ln(e/(e + 5)) = ln(e + 5) − 1, a wrong one −ln(1/(e + 5)): 7 right and 1 wrong.
        Assert.Equal(Math.Log(Math.E + 5) - 7.0 / 8, eval.Loss, 12);

        var first = Trainer.Evaluate(new CopyModel(), pairs, batchSize: 2, maxDecodeLength: 5, limit: 2);
        Assert.Equal(2, first.Count);                       // exact match on the first two only
        Assert.Equal(0.5, first.ExactMatch, 15);
        Assert.Equal(7.0 / 8, first.TokenAccuracy, 15);     // token accuracy and loss still use all three
    }

    [Fact]
    public void AnEmptyTrainingSetIsAnError()
    {
        var (encoder, _, valid) = ReverseTask();
        var (trainer, _) = Make(encoder, 1);
        var ex = Assert.Throws<ArgumentException>(() => trainer.Fit([], valid));
        Assert.Contains("empty", ex.Message);
    }

    [Fact]
    public void BatchSizeZeroOrANaNClipNormAreRefusedAtConstruction()
    {
        var (encoder, _, _) = ReverseTask();
        var (trainer, model) = Make(encoder, 1);
        var adam = new Adam(model.Parameters(), 1e-3);
        var zero = Assert.ThrowsAny<ArgumentException>(
            () => new Trainer(model, adam, trainer.Options with { BatchSize = 0 }));
        Assert.Contains("Trainer: BatchSize must be at least 1, got 0.", zero.Message);
        var nan = Assert.ThrowsAny<ArgumentException>(
            () => new Trainer(model, adam, trainer.Options with { ClipNorm = double.NaN }));
        Assert.Contains("Trainer: ClipNorm must be a finite number ≥ 0 (0 = no clipping), got NaN.", nan.Message);
    }
}
