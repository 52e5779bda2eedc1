using TransformerCourse.Recipes;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Recipes;

/// <summary>
/// The experiment cache: an identical experiment is trained once and then loaded, with the same result and weights; a
/// different seed is a different experiment. Uses a temporary COURSE_MODEL_CACHE folder, restored afterwards.
/// </summary>
[Collection(TransformerCourse.Tests.Training.ModelCacheCollection.Name)]
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
}
