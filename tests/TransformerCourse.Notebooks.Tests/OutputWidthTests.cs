using TransformerCourse.Cli;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>How wide <c>course</c> writes into a pipe or a file.</summary>
public class OutputWidthTests
{
    [Theory]
    [InlineData(null, OutputWidth.Default)]
    [InlineData("", OutputWidth.Default)]
    [InlineData("abc", OutputWidth.Default)]
    [InlineData("10", OutputWidth.Default)]
    [InlineData("200", 200)]
    public void RedirectedOutputIsWideUnlessCOLUMNSSaysOtherwise(string? columns, int width) =>
        Assert.Equal(width, OutputWidth.WhenRedirected(columns));
}
