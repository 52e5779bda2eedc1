using LibraryCheck = TransformerCourse.Checks.Check;

namespace TransformerCourse.Tests.Checks;

/// <summary>
/// The exercise checks notebooks call (the library's <c>Check</c>, called LibraryCheck here): a right answer passes, a wrong one fails naming expected and actual, an
/// unsolved stub (NotImplementedException) says "not done yet". (The notebook-facing output is tested in
/// TransformerCourse.Notebooks.Tests/CheckApiTests.cs.)
/// </summary>
public class CheckTests
{
    [Fact]
    public void Close_PassesWithinTheTolerance_AndFailsNamingBothValues()
    {
        Assert.True(LibraryCheck.Close("t.1", () => 0.1 + 0.2, 0.3, 1e-12).Passed);
        var wrong = LibraryCheck.Close("t.2", () => 0.5, 0.3, 1e-12);
        Assert.False(wrong.Passed);
        Assert.Contains("0.3", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("0.5", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStubThatThrowsIsNotDoneYet_AndEqualAndThatWork()
    {
        var stub = LibraryCheck.Equal<int>("t.3", () => throw new NotImplementedException(), 4);
        Assert.False(stub.Passed);
        Assert.Contains("not done yet", stub.Message, StringComparison.Ordinal);
        Assert.True(LibraryCheck.Equal("t.4", () => 2 + 2, 4).Passed);
        Assert.False(LibraryCheck.That("t.5", () => false, "a condition").Passed);
        Assert.True(LibraryCheck.That("t.6", () => true, "a condition").Passed);
    }
}
