using TransformerCourse.Data;
using TransformerCourse.IO;
using TransformerCourse.Optim;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>A run saved half-way and resumed in a fresh process-like setup ends exactly where the
/// uninterrupted run ends.</summary>
public class CheckpointTests
{
    private static (Trainer Trainer, BahdanauSeq2Seq Model, Adam Optimizer) Make(PairEncoder encoder, int maxSteps)
    {
        var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, Embed: 4,
            EncoderHidden: 5, DecoderHidden: 6, Attention: 4);
        var model = new BahdanauSeq2Seq(sizes, new Rng(9));
        var optimizer = new Adam(model.Parameters(), 1e-2);
        var options = new TrainingOptions { BatchSize = 16, Epochs = 10, MaxSteps = maxSteps, EvalEvery = 5,
            ValidationLimit = 5, Schedule = new WarmupSchedule(16, 4), Seed = 4 };
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
            SafeTensors.SaveCheckpoint(path, model, optimizer, 0);
            var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, model, optimizer, trainer));
            Assert.Contains("metadata has no", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AnAdamCheckpointDoesNotLoadIntoAnSgdTrainerAndChangesNothing()
    {
        var splits = TokenTasks.Splits(TokenTask.Copy, 20, 2, 2, 1, 3, seed: 2);
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        var train = encoder.EncodeAll(splits.Train);
        var (trainer, _, _) = Make(encoder, 2);
        trainer.Fit(train, encoder.EncodeAll(splits.Valid));
        var path = Path.Combine(Path.GetTempPath(), $"tc-adam-{Guid.NewGuid():N}.safetensors");
        try
        {
            Checkpoint.Save(path, trainer.Model, trainer.Optimizer, trainer);

            var sizes = new Seq2SeqSizes(encoder.SourceVocabulary.Count, encoder.TargetVocabulary.Count, Embed: 4,
                EncoderHidden: 5, DecoderHidden: 6, Attention: 4);
            var model = new BahdanauSeq2Seq(sizes, new Rng(10));
            var sgd = new Sgd(model.Parameters(), 0.1, momentum: 0.9);
            var sgdTrainer = new Trainer(model, sgd, new TrainingOptions { BatchSize = 16, Seed = 4 });
            var before = model.StateDict();
            var ex = Assert.ThrowsAny<ArgumentException>(() => Checkpoint.Load(path, model, sgd, sgdTrainer));
            Assert.Contains(Path.GetFileName(path), ex.Message);
            Assert.Contains("Adam", ex.Message);
            Assert.Contains("Sgd", ex.Message);
            // Nothing was loaded: the weights are bit for bit what they were, and so are the optimiser and the trainer.
            foreach (var (name, value) in model.StateDict())
                Assert.True(before[name].Equals(value), $"parameter {name} changed by a failed load");
            Assert.Equal(0, sgd.StepCount);
            Assert.Equal((1, 0), (sgdTrainer.Epoch, sgdTrainer.BatchInEpoch));
            Assert.Empty(sgdTrainer.History);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadMetadataNamesTheFileAndChangesNothing()
    {
        var splits = TokenTasks.Splits(TokenTask.Copy, 20, 2, 2, 1, 3, seed: 2);
        var encoder = PairEncoder.Build(splits.Train, CharTokenizer.Instance, CharTokenizer.Instance);
        var (trainer, model, optimizer) = Make(encoder, 1);
        var path = Path.Combine(Path.GetTempPath(), $"tc-meta-{Guid.NewGuid():N}.safetensors");
        try
        {
            foreach (var p in model.Parameters()) p.Data.MapInplace(v => v + 1); // differs from a fresh model
            var meta = new Dictionary<string, string>
            {
                ["epoch"] = "two", ["batch_in_epoch"] = "0", ["history"] = "[]",
            };
            SafeTensors.SaveCheckpoint(path, model, optimizer, 0, meta);
            var (_, fresh, freshOptimizer) = Make(encoder, 1);
            var freshTrainer = new Trainer(fresh, freshOptimizer);
            var before = fresh.StateDict();
            var ex = Assert.Throws<InvalidDataException>(
                () => Checkpoint.Load(path, fresh, freshOptimizer, freshTrainer));
            Assert.Contains(Path.GetFileName(path), ex.Message);
            Assert.Contains("'epoch' is \"two\"", ex.Message);
            foreach (var (name, value) in fresh.StateDict()) Assert.True(before[name].Equals(value), name);

            meta["epoch"] = "1";
            meta["history"] = "{not json";
            SafeTensors.SaveCheckpoint(path, model, optimizer, 0, meta);
            ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, fresh, freshOptimizer, freshTrainer));
            Assert.Contains("history is not valid JSON", ex.Message);
            foreach (var (name, value) in fresh.StateDict()) Assert.True(before[name].Equals(value), name);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
