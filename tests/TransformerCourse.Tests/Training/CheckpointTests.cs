using TransformerCourse.Data;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>A run saved half-way and resumed in a fresh process-like setup ends exactly where the uninterrupted run ends.</summary>
public class CheckpointTests
{
    private static (Trainer Trainer, BahdanauSeq2Seq Model, Adam Optimizer) Make(PairEncoder encoder, int maxSteps)
    {
        var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, Embed: 4, EncoderHidden: 5, DecoderHidden: 6, Attention: 4);
        var model = new BahdanauSeq2Seq(sizes, new Rng(9));
        var optimizer = new Adam(model.Parameters(), 1e-2);
        var options = new TrainingOptions { BatchSize = 16, Epochs = 10, MaxSteps = maxSteps, EvalEvery = 5, ValidationLimit = 5, Schedule = new WarmupSchedule(16, 4), Seed = 4 };
        return (new Trainer(model, optimizer, options), model, optimizer);
    }

    [Fact]
    public void ResumingGivesBitIdenticalParameters()
    {
        var splits = TokenTasks.Splits(TokenTask.Reverse, 40, 5, 5, 1, 4, seed: 2);   // 3 batches per epoch
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        var train = encoder.EncodeAll(splits.Train);
        var valid = encoder.EncodeAll(splits.Valid);

        var (straight, straightModel, _) = Make(encoder, 8);
        straight.Fit(train, valid);

        var (first, firstModel, firstOptimizer) = Make(encoder, 4);              // stops inside epoch 2
        first.Fit(train, valid);
        var path = Path.Combine(Path.GetTempPath(), $"tc-checkpoint-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, firstModel, firstOptimizer, first);
            var (second, secondModel, secondOptimizer) = Make(encoder, 8);
            Checkpoint.Load(path, secondModel, secondOptimizer, second);
            Assert.Equal(4, secondOptimizer.StepCount);
            Assert.Equal(first.History.Count, second.History.Count);
            second.Fit(train, valid);

            var expected = straightModel.StateDict();
            foreach (var (name, value) in secondModel.StateDict())
                Assert.True(expected[name].Equals(value), $"parameter {name} differs after resuming");
            // The resumed run also ends at step 8, evaluated on the same (identical) model.
            Assert.Equal(8, second.History[^1].Step);
            Assert.Equal(straight.History[^1].ValidLoss, second.History[^1].ValidLoss);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AModelFileIsNotATrainingCheckpoint()
    {
        var splits = TokenTasks.Splits(TokenTask.Copy, 20, 2, 2, 1, 3, seed: 2);
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        var (trainer, model, optimizer) = Make(encoder, 1);
        var path = Path.Combine(Path.GetTempPath(), $"tc-model-{Guid.NewGuid():N}.safetensors");
        try
        {
            TransformerCourse.IO.SafeTensors.SaveCheckpoint(path, model, optimizer, 0);
            var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, optimizer, trainer));
            Assert.Contains("metadata has no", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
