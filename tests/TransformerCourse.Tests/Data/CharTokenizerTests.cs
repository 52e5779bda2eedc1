using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>The character tokeniser: user-perceived characters, spaces as tokens, exact round trips.</summary>
public class CharTokenizerTests
{
    [Fact]
    public void CharSplitsHangulIntoSyllablesAndSpacesAreTokens()
    {
        Assert.Equal(["나", "는", " ", "학", "생", "입", "니", "다"], CharTokenizer.Instance.Tokenize("나는 학생입니다"));
        Assert.Equal(["2", "1", " ", "m", "a", "r"], CharTokenizer.Instance.Tokenize("21 mar"));
    }

    [Fact]
    public void CharKeepsACombiningSequenceTogether()
    {
        // "é" written as e + U+0301 (combining acute) is one user-perceived character; so is a
        // decomposed Hangul syllable (ᄒ ᅡ ᆨ).
        Assert.Equal(["c", "a", "f", "e\u0301"], CharTokenizer.Instance.Tokenize("cafe\u0301"));
        Assert.Single(CharTokenizer.Instance.Tokenize("\u1112\u1161\u11A8"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("monday 21 march 1994")]
    [InlineData("그녀는 어제 도서관에서 책을 읽지 않았어요")]
    [InlineData("  double  spaces, tabs\tand 😀 emoji ")]
    public void CharRoundTripsAnyString(string text) =>
        Assert.Equal(text, CharTokenizer.Instance.Detokenize(CharTokenizer.Instance.Tokenize(text)));
}
