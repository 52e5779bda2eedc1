using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>A source text and its target: equal by value, written as one TSV line.</summary>
public class TextPairTests
{
    [Fact]
    public void EqualByValueAndPrintedAsOneTsvLine()
    {
        var pair = new TextPair("나는 학생입니다", "I am a student");
        Assert.Equal(new TextPair("나는 학생입니다", "I am a student"), pair);
        Assert.NotEqual(new TextPair("나는 학생입니다", "I am a teacher"), pair);
        Assert.Equal("나는 학생입니다\tI am a student", pair.ToString());
        Assert.Equal([pair], TsvFile.Parse(new StringReader(pair + "\n"), "line"));
    }
}
