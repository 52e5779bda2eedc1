using TransformerCourse.IO;
using TransformerCourse.Nn;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>
/// The model cache for a notebook's own training loop: the same name, settings and initial weights train once and
/// then load the trained weights and the stored result; other settings train again; "off" always trains. Uses a
/// temporary COURSE_MODEL_CACHE folder, restored afterwards.
/// </summary>
[Collection(ModelCacheCollection.Name)]
public class ModelCacheTests
{
    private sealed record Log(int Steps, double Last);

    /// <summary>"Trains" a 2→3 linear layer: sets every weight to 0.5 and counts the calls.</summary>
    private static (Log Result, bool FromCache) Run(Linear model, string settings, ref int calls)
    {
        int before = calls;
        var outcome = ModelCache.Run("test-linear", model, settings, () =>
        {
            model.Weight.Data.MapInplace(_ => 0.5);
            return new Log(7, 0.25);
        });
        calls = before + (outcome.FromCache ? 0 : 1);
        return outcome;
    }

    [Fact]
    public void TrainsOnceThenLoadsTheWeightsAndTheResult()
    {
        var saved = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
        var folder = Path.Combine(Path.GetTempPath(), "course-model-cache-tests", Path.GetRandomFileName());
        Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", folder);
        try
        {
            Assert.Equal(folder, ModelCache.Folder);
            int calls = 0;
            var (first, firstCached) = Run(new Linear(2, 3, new Rng(1)), "steps=7", ref calls);
            Assert.False(firstCached);
            Assert.Equal(new Log(7, 0.25), first);
            var file = Assert.Single(Directory.GetFiles(folder, "*.safetensors"));
            Assert.StartsWith("test-linear-", Path.GetFileName(file), StringComparison.Ordinal);

            var again = new Linear(2, 3, new Rng(1));
            var (second, secondCached) = Run(again, "steps=7", ref calls);
            Assert.True(secondCached);
            Assert.Equal(1, calls);                                    // the loop did not run the second time
            Assert.Equal(first, second);
            Assert.All(again.Weight.Data.Enumerate(), w => Assert.Equal(0.5, w));   // the trained weights, loaded

            Run(new Linear(2, 3, new Rng(1)), "steps=8", ref calls);   // other settings
            Run(new Linear(2, 3, new Rng(2)), "steps=7", ref calls);   // other initial weights
            Assert.Equal(3, calls);
            Assert.Equal(3, Directory.GetFiles(folder, "*.safetensors").Length);

            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", "off");
            Assert.Null(ModelCache.Folder);
            Run(new Linear(2, 3, new Rng(1)), "steps=7", ref calls);
            Assert.Equal(4, calls);
        }
        finally
        {
            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", saved);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void ACacheThatIsAFileIsRefusedBeforeTraining()
    {
        var saved = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
        var file = Path.Combine(Path.GetTempPath(), "course-model-cache-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "not a folder");
        Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", file);
        try
        {
            int calls = 0;
            var e = Assert.Throws<InvalidOperationException>(
                () => Run(new Linear(2, 3, new Rng(1)), "steps=7", ref calls));
            Assert.Equal(0, calls);                                    // refused before the loop ran
            Assert.Contains($"ModelCache.Run(\"test-linear\"): COURSE_MODEL_CACHE={file} is a file", e.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", saved);
            File.Delete(file);
        }
    }

    [Fact]
    public void AnEntryWithNaNWeightsIsTrainedAgainNotLoaded()
    {
        var saved = Environment.GetEnvironmentVariable("COURSE_MODEL_CACHE");
        var folder = Path.Combine(Path.GetTempPath(), "course-model-cache-tests", Path.GetRandomFileName());
        Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", folder);
        try
        {
            int calls = 0;
            Run(new Linear(2, 3, new Rng(1)), "steps=7", ref calls);
            var file = Assert.Single(Directory.GetFiles(folder, "*.safetensors"));
            var stored = SafeTensors.Read(file);
            var poisoned =
                stored.Tensors.Values.Select(t => t with { Data = t.Data.Select(_ => double.NaN).ToArray() });
            SafeTensors.Write(file, poisoned, stored.Metadata);

            var again = new Linear(2, 3, new Rng(1));
            var (_, cached) = Run(again, "steps=7", ref calls);

            Assert.False(cached);
            Assert.Equal(2, calls);
            Assert.All(again.Weight.Data.Enumerate(), w => Assert.Equal(0.5, w));
        }
        finally
        {
            Environment.SetEnvironmentVariable("COURSE_MODEL_CACHE", saved);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>The tests that set COURSE_MODEL_CACHE run one after the other.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class ModelCacheCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "COURSE_MODEL_CACHE";
}
