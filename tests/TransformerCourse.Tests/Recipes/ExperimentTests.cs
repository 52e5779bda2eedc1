using TransformerCourse.Recipes;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Recipes;

/// <summary>The course's experiments, shortened: they set up, learn well above chance, and
/// reject unknown names.</summary>
public class ExperimentTests
{
    [Fact]
    public void ShortDatesRunWithAttentionLearns()
    {
        var experiment = Experiment.Create("dates", "bahdanau", seed: 1, scale: 0.16);
        experiment.Trainer.Fit(experiment.Train, experiment.Valid.Take(50).ToList());
        var test = Trainer.Evaluate(experiment.Model, experiment.Test.Take(200).ToList(), 100, 12);
        // Chance per output character is 1/15 (loss ln 15 ≈ 2.7); 150 steps already get most characters right.
        Assert.True(test.TokenAccuracy > 0.7, $"token accuracy {test.TokenAccuracy}");
        Assert.True(test.Loss < 1.0, $"test loss {test.Loss}");
    }

    [Fact]
    public void RunTrainsThenScoresTheWholeTestSet()
    {
        var experiment = Experiment.Create("copy", "gru", seed: 1, scale: 0.02);
        var result = experiment.Run();
        Assert.Equal(1_000, result.Test.Count);
        Assert.Equal(experiment.Optimizer.StepCount, result.Steps);
        Assert.True(result.Steps >= 10);
        Assert.NotEmpty(result.History);
    }

    [Fact]
    public void AccuracyByLengthCoversEveryExample()
    {
        var experiment = Experiment.Create("dates", "gru", seed: 1, scale: 0.01);
        var rows = experiment.AccuracyByLength(experiment.Test.Take(50).ToList());
        Assert.Equal(50, rows.Sum(r => r.Count));
        Assert.True(rows.Select(r => r.Length).SequenceEqual(rows.Select(r => r.Length).Order()));
    }

    [Fact]
    public void SizesOverrideChangesOnlyTheSizesAndEvalEveryTheEvaluations()
    {
        var standard = Experiment.Create("dates", "luong-dot", seed: 1, scale: 0.1);
        var small = Experiment.Create("dates", "luong-dot", seed: 1, scale: 0.1,
            sizes: s => s with { EncoderHidden = 8, DecoderHidden = 16, Attention = 16 }, evalEvery: 25);
        Assert.True(small.Model.ParameterCount < standard.Model.ParameterCount);
        Assert.Equal(standard.Options with { EvalEvery = 25 }, small.Options);
        Assert.Equal(0, standard.Options.EvalEvery);
        Assert.Throws<ArgumentException>(() => Experiment.Create("dates", "transformer", sizes: s => s));
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
