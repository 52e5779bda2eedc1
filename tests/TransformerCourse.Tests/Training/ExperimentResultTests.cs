using System.Text.Json;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Training;

/// <summary>A finished run's report survives the JSON round trip the model cache stores it through.</summary>
public class ExperimentResultTests
{
    [Fact]
    public void RoundTripsThroughJson()
    {
        var history = new List<TrainingRecord>();
        var result = new ExperimentResult("dates", "bahdanau", new Evaluation(0.25, 0.9, 0.75, 1000), history, 12.5,
            939, 123_456);
        var back = JsonSerializer.Deserialize<ExperimentResult>(JsonSerializer.Serialize(result))!;
        Assert.Equal(("dates", "bahdanau", 12.5, 939, 123_456),
            (back.Task, back.ModelKind, back.TrainSeconds, back.Steps,
            back.Parameters));
        Assert.Equal(new Evaluation(0.25, 0.9, 0.75, 1000), back.Test);
        Assert.Empty(back.History);
    }
}
