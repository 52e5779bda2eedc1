using System.Text;
using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>BERT's basic tokenizer on hand-worked ASCII text (accents and CJK need ICU, which this test process,
/// with InvariantGlobalization, lacks; they are checked in TransformerCourse.Pretrained.Tests).</summary>
public class BertPreTokenizerTests
{
    [Fact]
    public void LowerCasesAndSplitsOffEveryPunctuationCharacter()
    {
        Assert.Equal(["hello", ",", "world", "!", "!"], BertPreTokenizer.Split("Hello, WORLD!!"));
        Assert.Equal(["don", "'", "t"], BertPreTokenizer.Split("don't"));
        // $ = ^ ` are ASCII symbols, not Unicode punctuation, but BERT counts all of 33–47, 58–64, 91–96, 123–126.
        Assert.Equal(["a", "$", "b", "=", "c", "^", "`"], BertPreTokenizer.Split("a$b=c^`"));
    }

    [Fact]
    public void CleansControlCharactersAndTreatsTabsAndNewlinesAsSpaces()
    {
        Assert.Equal(["x", "y", "z"], BertPreTokenizer.Split("x\ty\r\nz"));
        Assert.Equal(["ab"], BertPreTokenizer.Split("a\u0000b\u0007"));
        Assert.Empty(BertPreTokenizer.Split("  \t "));
    }

    [Fact]
    public void KnowsCjkIdeographsAndPunctuation()
    {
        Assert.True(BertPreTokenizer.IsCjk('中'));
        Assert.False(BertPreTokenizer.IsCjk('한'));                    // Hangul is not split into characters
        Assert.False(BertPreTokenizer.IsCjk('あ'));
        Assert.True(BertPreTokenizer.IsPunctuation(new Rune('—')));   // U+2014, Pd
        Assert.False(BertPreTokenizer.IsPunctuation(new Rune('©')));  // So: a symbol, stays inside the word
    }

    [Fact]
    public void WithoutUnicodeTablesNonAsciiTextIsRefusedNotMangled()
    {
        // This test project runs with InvariantGlobalization (Directory.Build.props): no NFD.
        var ex = Assert.Throws<InvalidOperationException>(() => BertPreTokenizer.Split("café"));
        Assert.Contains("'café'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("InvariantGlobalization", ex.Message, StringComparison.Ordinal);
    }
}
