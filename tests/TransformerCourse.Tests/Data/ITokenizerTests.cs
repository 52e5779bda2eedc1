using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>The tokeniser contract, through the interface: tokens, and detokenising them gives the text back.</summary>
public class ITokenizerTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "char:나는 학생입니다", 8 },      // 7 syllables and a space
        { "word:I am a student", 4 },
        { "char:21 mar", 6 },
        { "word:나는 학생입니다", 2 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TokenizeThenDetokenizeRoundTrips(string kindAndText, int count)
    {
        var (kind, text) = (kindAndText[..4], kindAndText[5..]);
        ITokenizer tokenizer = kind == "char" ? CharTokenizer.Instance : WordTokenizer.Instance;
        var tokens = tokenizer.Tokenize(text);
        Assert.Equal(count, tokens.Count);
        Assert.Equal(text, tokenizer.Detokenize(tokens));
    }
}
