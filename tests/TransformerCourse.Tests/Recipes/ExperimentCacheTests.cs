using System.Globalization;
using TransformerCourse.Recipes;
using TransformerCourse.Tests.Support;
using TransformerCourse.Tests.Training;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Recipes;

/// <summary>
/// The experiment cache: an identical experiment is trained once and then loaded, with the same result and weights; a
/// different seed is a different experiment. Uses a temporary COURSE_MODEL_CACHE folder, restored afterwards.
/// </summary>
[Collection(ModelCacheCollection.Name)]
public class ExperimentCacheTests
{
    [Fact]
    public void SecondRunOfTheSameExperimentComesFromTheCache()
    {
        var saved = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
        var folder = Path.Combine(Path.GetTempPath(), "course-model-cache-tests", Path.GetRandomFileName());
        Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", folder);
        try
        {
            var first = Experiment.Create("copy", "gru", seed: 1, scale: 0.02);
            var (trained, firstFromCache) = ExperimentCache.Run(first);
            Assert.False(firstFromCache);
            Assert.Single(Directory.GetFiles(folder, "*.safetensors"));

            var second = Experiment.Create("copy", "gru", seed: 1, scale: 0.02);
            var (loaded, secondFromCache) = ExperimentCache.Run(second);
            Assert.True(secondFromCache);
            Assert.Equal(0, second.Optimizer.StepCount);      // nothing was trained the second time
            Assert.Equal(trained.Task, loaded.Task);
            Assert.Equal(trained.ModelKind, loaded.ModelKind);
            Assert.Equal(trained.Test, loaded.Test);
            Assert.Equal(trained.History, loaded.History);
            Assert.Equal(trained.TrainSeconds, loaded.TrainSeconds);
            Assert.Equal(trained.Steps, loaded.Steps);
            Assert.Equal(trained.Parameters, loaded.Parameters);

            var a = first.Model.StateDict();
            var b = second.Model.StateDict();
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            foreach (var (name, value) in a)
                Assert.True(value.Equals(b[name]), $"parameter {name} differs after loading from the cache");

            var other = Experiment.Create("copy", "gru", seed: 2, scale: 0.02);
            var (_, otherFromCache) = ExperimentCache.Run(other);
            Assert.False(otherFromCache);
            Assert.Equal(2, Directory.GetFiles(folder, "*.safetensors").Length);
        }
        finally
        {
            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", saved);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ExperimentsTrainedSideBySideHaveTheNumbersOfOneAfterAnother()
    {
        var saved = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
        Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", "off");
        try
        {
            Experiment Make(string kind) => Experiment.Create("copy", kind, seed: 3, scale: 0.01,
                sizes: s => s with { EncoderHidden = 8, DecoderHidden = 16, Attention = 8 });
            string[] kinds = ["luong-concat", "bahdanau"];
            var serial = kinds.Select(Make).ToList();
            var serialResults = serial.Select(e => ExperimentCache.Run(e).Result).ToList();
            var parallel = kinds.Select(Make).ToList();
            var outcomes = ExperimentCache.RunAll(parallel, p => $"step {p.Step} loss {p.Loss:R}");
            for (int i = 0; i < kinds.Length; i++)
            {
                var (result, fromCache, log) = outcomes[i];
                Assert.False(fromCache);
                Assert.Equal(kinds[i], result.ModelKind);
                Assert.Equal(serialResults[i].Test, result.Test);
                Assert.Equal(serialResults[i].History.Select(h => (h.Step, h.TrainLoss, h.ValidLoss, h.ExactMatch)),
                    result.History.Select(h => (h.Step, h.TrainLoss, h.ValidLoss, h.ExactMatch)));
                var steps = log.Select(line => int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
                Assert.Equal(Enumerable.Range(1, result.Steps), steps.Distinct());  // this run's own lines, in order
                var a = serial[i].Model.StateDict();
                foreach (var (name, value) in parallel[i].Model.StateDict())
                    Assert.True(value.Equals(a[name]), $"{kinds[i]}: {name} differs when trained in parallel");
            }
            Expect.ThrowsArgument(() => ExperimentCache.RunAll([parallel[0], parallel[0]]), "RunAll", "twice");
        }
        finally
        {
            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", saved);
        }
    }
}
