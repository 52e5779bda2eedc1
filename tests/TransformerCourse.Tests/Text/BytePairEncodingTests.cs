using TransformerCourse.Tests.Support;
using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>BPE learned on Sennrich et al.'s corpus, every merge worked out by hand.</summary>
public class BytePairEncodingTests
{
    // Sennrich et al. (2016), §3.2: low ×5, lower ×2, newest ×6, widest ×3.
    private static readonly string[] Corpus =
        [.. Enumerable.Repeat("low", 5), "lower lower", .. Enumerable.Repeat("newest", 6), "widest widest widest"];

    [Fact]
    public void LearnsTheHandComputedMerges()
    {
        // Pair counts at the start: e s 9, s t 9, t </w> 9, w e 8, l o 7, o w 7, n e 6, e w 6, … → three ties at 9,
        // broken by sorting: (e, s) first. Then (es, t) 9, (est, </w>) 9; (l, o) 7 and (lo, w) 7; three at 6 —
        // (e, w) < (n, e) < (w, est</w>) — so (e, w), then (ew, est</w>) and (n, ewest</w>); (low, </w>) 5; three at 3,
        // (d, est</w>) first, then (i, dest</w>), (w, idest</w>); the 2s of "lower": (e, r), (er, </w>), (low, er</w>).
        // Then every word is one symbol: learning stops at 15 merges although 20 were asked for.
        var bpe = BytePairEncoding.Learn(Corpus, merges: 20);
        var expected = new (string, string)[]
        {
            ("e", "s"), ("es", "t"), ("est", "</w>"), ("l", "o"), ("lo", "w"), ("e", "w"), ("ew", "est</w>"),
            ("n", "ewest</w>"), ("low", "</w>"), ("d", "est</w>"), ("i", "dest</w>"), ("w", "idest</w>"),
            ("e", "r"), ("er", "</w>"), ("low", "er</w>"),
        };
        Assert.Equal(expected, bpe.Merges);
        Assert.Equal(["d", "e", "i", "l", "n", "o", "r", "s", "t", "w", "</w>", "es", "est"], bpe.Vocabulary.Take(13));
        Assert.Equal(10 + 1 + 15, bpe.Vocabulary.Count);
    }

    [Fact]
    public void CountsPairsWeightedByWordFrequency()
    {
        var pairs =
            BytePairEncoding.CountPairs([(BytePairEncoding.Symbols("low"), 5), (BytePairEncoding.Symbols("lower"), 2)]);
        Assert.Equal(7, pairs[("l", "o")]);
        Assert.Equal(5, pairs[("w", "</w>")]);
        Assert.Equal(2, pairs[("w", "e")]);
        Assert.Equal(6, pairs.Count);                              // l o, o w, w </w>, w e, e r, r </w>
    }

    [Fact]
    public void EncodesUnseenWordsFromLearnedPiecesAndDecodesBack()
    {
        var bpe = BytePairEncoding.Learn(Corpus, merges: 15);
        // lowest: e s → es → est → est</w>; l o → lo → low: [low, est</w>].
        // newer: e w (rank 5) → n ew e r </w>; e r (12) → er; er </w> (13): [n, ew, er</w>].
        Assert.Equal(["low", "est</w>", "n", "ew", "er</w>"], bpe.Tokenize("lowest newer"));
        var ids = bpe.Encode("lowest  newer\n");
        Assert.Equal("lowest newer", bpe.Decode(ids));
        Expect.ThrowsArgument(() => bpe.Encode("lowz"), "'z'", "not in the vocabulary");
    }

    [Fact]
    public void TiesAreBrokenByOrderSoLearningIsDeterministic()
    {
        var a = BytePairEncoding.Learn(["ab ba", "ba ab"], 3);
        var b = BytePairEncoding.Learn(["ba ab", "ab ba"], 3);
        Assert.Equal(a.Merges, b.Merges);
        // (a, b), (a, </w>), (b, a), (b, </w>) all occur twice; "</w>" sorts before "b" ('<' is U+003C).
        Assert.Equal(("a", "</w>"), a.Merges[0]);
        Expect.ThrowsArgument(() => BytePairEncoding.Learn(["a"], -1), "merges must be ≥ 0");
    }
}
