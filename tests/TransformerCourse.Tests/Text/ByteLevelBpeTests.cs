using TransformerCourse.Tests.Support;
using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>GPT-2's pattern and merging by rank on a hand-made vocabulary (the real ranks are checked against
/// Microsoft.ML.Tokenizers in TransformerCourse.Pretrained.Tests).</summary>
public class ByteLevelBpeTests
{
    /// <summary>The 256 bytes at rank = byte value, then "lo" 256, "low" 257, "Ġl" 258.</summary>
    private static ByteLevelBpe Tiny()
    {
        var ranks = Enumerable.Range(0, 256).Select(b => (new[] { (byte)b }, b)).ToList();
        ranks.Add(("lo"u8.ToArray(), 256));
        ranks.Add(("low"u8.ToArray(), 257));
        ranks.Add((" l"u8.ToArray(), 258));
        return new ByteLevelBpe(ranks);
    }

    [Fact]
    public void Gpt2sPatternSplitsContractionsWordsNumbersSymbolsAndSpaces()
    {
        Assert.Equal(["Hello", " world", "'s", " 123", "!!", " ", " end", "\n"],
            ByteLevelBpe.PreTokenize("Hello world's 123!!  end\n"));
        Assert.Equal(["I", "'m", " 나는", " 😀"], ByteLevelBpe.PreTokenize("I'm 나는 😀"));
    }

    [Fact]
    public void MergesByTheRankOfTheMergedBytes()
    {
        var bpe = Tiny();
        // " low" → Ġ l o w: ranks Ġl 258, lo 256 → lo first; then lo w → low (257); Ġlow has no rank: [Ġ, low].
        Assert.Equal(["Ġ", "low"], bpe.Tokenize(" low"));
        Assert.Equal([32, 257], bpe.Encode(" low"));
        // " lx" → Ġ l x: only Ġl (258).
        Assert.Equal([258, (int)'x'], bpe.Encode(" lx"));
        // Any text encodes: 한 is three UTF-8 bytes ED 95 9C, each its own token here.
        Assert.Equal([0xED, 0x95, 0x9C], bpe.Encode("한"));
        Assert.Equal("한 low😀\t", bpe.Decode(bpe.Encode("한 low😀\t")));
    }

    [Fact]
    public void ReadsTiktokensFormat()
    {
        var lines = string.Join("\n", Enumerable.Range(0, 256).Select(b => Convert.ToBase64String([(byte)b]) + " " + b))
            + "\nbG8= 256\n";                                   // "lo"
        var bpe = ByteLevelBpe.FromTiktoken(new StringReader(lines));
        Assert.Equal(257, bpe.VocabSize);
        Assert.Equal("lo", bpe.Token(256));
        var compact = ByteLevelBpe.FromTiktoken(new StringReader(
            string.Join("\n", Enumerable.Range(0, 256).Select(b => Convert.ToBase64String([(byte)b])))));
        Assert.Equal("A", compact.Token(65));
        Assert.Throws<FormatException>(() => ByteLevelBpe.FromTiktoken(new StringReader("YQ== 1 2")));
        Expect.ThrowsArgument(() => new ByteLevelBpe([("a"u8.ToArray(), 0)]), "single byte 0");
    }
}
