using TransformerCourse.Checks;

namespace TransformerCourse.Tests.Checks;

/// <summary>The verdict of one exercise check, as a notebook prints it.</summary>
public class CheckResultTests
{
    [Fact]
    public void PrintsTickOrCrossWithTheExerciseAndTheMessage()
    {
        Assert.Equal("✔ Exercise 00.1: got the expected value 2",
            new CheckResult("00.1", true, "got the expected value 2").ToString());
        Assert.Equal("✘ Exercise 03.2: expected 1 but got 2",
            new CheckResult("03.2", false, "expected 1 but got 2").ToString());
    }
}
