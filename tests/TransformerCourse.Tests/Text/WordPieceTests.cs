using TransformerCourse.Tests.Support;
using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>WordPiece's greedy longest match on a hand-made vocabulary (MiniLM's real one is checked against two
/// reference tokenizers in TransformerCourse.Pretrained.Tests).</summary>
public class WordPieceTests
{
    private static readonly string[] Vocab =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##aff", "##able", "a", "ab", "##c", "##bc", "!", "the"];

    [Fact]
    public void CutsEachWordGreedilyLongestMatchFirst()
    {
        var wp = new WordPiece(Vocab);
        Assert.Equal(["un", "##aff", "##able"], wp.Pieces("unaffable"));
        // "abc": "abc" is not in the vocabulary, "ab" is → "ab" + "##c", although "a" + "##bc" would also cover it.
        Assert.Equal(["ab", "##c"], wp.Pieces("abc"));
        // "abx": "ab", then nothing matches "x" / "##x": the whole word is [UNK], not "ab" + [UNK].
        Assert.Equal(["[UNK]"], wp.Pieces("abx"));
    }

    [Fact]
    public void EncodesWithClsAndSepAndDecodes()
    {
        var wp = new WordPiece(Vocab);
        Assert.Equal([2, 12, 4, 5, 6, 11, 1, 3], wp.Encode("The UNAFFABLE! zzz"));
        Assert.Equal([12, 8, 9], wp.Encode("the abc", addSpecialTokens: false));
        Assert.Equal("the unaffable ! [UNK]", wp.Decode(wp.Encode("The UNAFFABLE! zzz")));
        Assert.Equal((0, 1, 2, 3), (wp.Pad, wp.Unknown, wp.Cls, wp.Sep));
    }

    [Fact]
    public void AWordLongerThanTheLimitIsUnknown()
    {
        var wp = new WordPiece(Vocab, maxWordLength: 4);
        Assert.Equal(["a", "ab"], wp.Tokenize("a ab"));
        Assert.Equal(["[UNK]"], wp.Pieces("ababa"));
    }

    [Fact]
    public void BadVocabulariesAreRefused()
    {
        Expect.ThrowsArgument(() => new WordPiece(["[UNK]", "[CLS]", "[SEP]", "a", "a"]), "'a'", "lines 4 and 5");
        Expect.ThrowsArgument(() => new WordPiece(["[CLS]", "[SEP]"]), "no '[UNK]'");
        Expect.ThrowsArgument(() => new WordPiece(Vocab).Token(13), "id 13", "[0, 13)");
    }
}
