using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>The course's experiments, shortened: they set up, learn well above chance, and reject unknown names.</summary>
public class ExperimentTests
{
    [Fact]
    public void ShortDatesRunWithAttentionLearns()
    {
        var experiment = Experiment.Create("dates", "bahdanau", seed: 1, scale: 0.08);
        var result = experiment.Run();
        // Chance per output character is 1/15; a short run already gets most characters right.
        Assert.True(result.Test.TokenAccuracy > 0.7, $"token accuracy {result.Test.TokenAccuracy}");
        Assert.True(result.Test.Loss < 1.0, $"test loss {result.Test.Loss} (chance ln 15 ≈ 2.7)");
        Assert.Equal(1_000, result.Test.Count);
    }

    [Fact]
    public void AccuracyByLengthCoversEveryExample()
    {
        var experiment = Experiment.Create("dates", "gru", seed: 1, scale: 0.01);
        var rows = experiment.AccuracyByLength(experiment.Test.Take(50).ToList());
        Assert.Equal(50, rows.Sum(r => r.Count));
        Assert.True(rows.Select(r => r.Length).SequenceEqual(rows.Select(r => r.Length).Order()));
    }

    [Theory]
    [InlineData("dates", "nope", "model")]
    [InlineData("cooking", "gru", "task")]
    public void UnknownNamesAreRejected(string task, string model, string word)
    {
        var ex = Assert.Throws<ArgumentException>(() => Experiment.Create(task, model));
        Assert.Contains(word, ex.Message);
    }
}
