using TransformerCourse.Data;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Data;

public class VocabularyTests
{
    // counts: b 3, a 2, c 1, d 1
    private static readonly string[][] Corpus = [["b", "a", "b"], ["c", "b", "a"], ["d"]];

    [Fact]
    public void SpecialTokensHaveFixedIds()
    {
        var vocab = Vocabulary.Build(Corpus);
        Assert.Equal((0, 1, 2, 3), (Vocabulary.Pad, Vocabulary.Bos, Vocabulary.Eos, Vocabulary.Unk));
        Assert.Equal(["<pad>", "<bos>", "<eos>", "<unk>"], vocab.Tokens.Take(4));
        Assert.Equal(0, vocab["<pad>"]);
        Assert.Equal(2, vocab["<eos>"]);
    }

    [Fact]
    public void BuildOrdersByCountThenOrdinalAndMinCountDropsRareTokens()
    {
        Assert.Equal(["b", "a", "c", "d"], Vocabulary.Build(Corpus).Tokens.Skip(4));
        var vocab = Vocabulary.Build(Corpus, minCount: 2);
        Assert.Equal(6, vocab.Count);
        Assert.Equal(Vocabulary.Unk, vocab["c"]);
        Assert.False(vocab.Contains("d"));
        Assert.Equal(4, vocab["b"]);
    }

    [Fact]
    public void EncodeDecodeRoundTripsHangulWords()
    {
        var tok = WordTokenizer.Instance;
        var vocab = Vocabulary.Build(["나는 학생입니다", "그는 학생이 아닙니다"], tok);
        int[] ids = vocab.Encode(tok.Tokenize("나는 학생입니다"), addBos: true, addEos: true);
        Assert.Equal(4, ids.Length);
        Assert.Equal(Vocabulary.Bos, ids[0]);
        Assert.Equal(Vocabulary.Eos, ids[^1]);
        Assert.Equal("나는 학생입니다", tok.Detokenize(vocab.Decode(ids)));
    }

    [Fact]
    public void EncodeDecodeRoundTripsHangulCharacters()
    {
        var tok = CharTokenizer.Instance;
        var vocab = Vocabulary.Build(["나는 학생입니다"], tok);
        Assert.Equal(4 + 8, vocab.Count);  // 8 distinct characters: 나 는 ' ' 학 생 입 니 다
        int[] ids = vocab.Encode(tok.Tokenize("학생입니다"));
        Assert.Equal(5, ids.Length);
        Assert.Equal("학생입니다", tok.Detokenize(vocab.Decode(ids)));
        Assert.Equal("학<unk>", tok.Detokenize(vocab.Decode(vocab.Encode(tok.Tokenize("학교")))));
    }

    [Fact]
    public void DecodeSkipsPadAndBosStopsAtEosAndKeepsUnk()
    {
        var vocab = Vocabulary.FromTokens(["x", "y"]);
        Assert.Equal(["x", "<unk>", "y"], vocab.Decode([1, 4, 3, 0, 5, 2, 4, 4]));
        Assert.Equal(Vocabulary.Unk, vocab["z"]);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocab.Decode([9]));
    }

    [Fact]
    public void SaveLoadRoundTripsIncludingTheSpaceToken()
    {
        using var temp = new TempFolder();
        var vocab = Vocabulary.Build(["나는 학생", "I am"], CharTokenizer.Instance);
        string path = Path.Combine(temp.Path, "vocab.txt");
        vocab.Save(path);
        Assert.Equal(vocab.Tokens, Vocabulary.Load(path).Tokens);
        // ' ' is the most frequent character
        Assert.StartsWith("<pad>\n<bos>\n<eos>\n<unk>\n \n", File.ReadAllText(path));
    }

    [Theory]
    [InlineData("<pad>\n<bos>\n<unk>\n<eos>\na\n", 3, "expected the special token <eos>, found '<unk>'")]
    [InlineData("<pad>\n<bos>\n<eos>\n<unk>\na\nb\na\n", 7, "duplicate token 'a' (first on line 5)")]
    [InlineData("<pad>\n<bos>\n<eos>\n<unk>\na\n\nb\n", 6, "empty token")]
    public void LoadRejectsABadLineNamingFileAndLine(string text, int line, string problem)
    {
        using var temp = new TempFolder();
        string path = temp.File("vocab.txt", text);
        var error = Assert.Throws<ArgumentException>(() => Vocabulary.Load(path));
        Assert.Equal($"{path} line {line}: {problem}", error.Message);
    }
}
