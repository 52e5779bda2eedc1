using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>The word tokeniser: spaces and final punctuation, round trips of normalised text.</summary>
public class WordTokenizerTests
{
    [Fact]
    public void WordSplitsOnSpacesAndSeparatesFinalPunctuation()
    {
        Assert.Equal(["I", "am", "a", "student", "."], WordTokenizer.Instance.Tokenize("I am a student."));
        Assert.Equal(["나는", "학생입니다", "."], WordTokenizer.Instance.Tokenize("나는 학생입니다."));
        Assert.Equal(["Really", "?", "!", "yes", ","], WordTokenizer.Instance.Tokenize("  Really?!   yes, "));
    }

    [Theory]
    [InlineData("I am a student")]
    [InlineData("I am a student.")]
    [InlineData("나는 어제 도서관에서 책을 읽었습니다.")]
    [InlineData("Hello, world! Is it you?")]
    public void WordRoundTripsNormalisedText(string text) =>
        Assert.Equal(text, WordTokenizer.Instance.Detokenize(WordTokenizer.Instance.Tokenize(text)));
}
