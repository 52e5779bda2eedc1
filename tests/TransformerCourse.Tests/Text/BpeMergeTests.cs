using TransformerCourse.Text;

namespace TransformerCourse.Tests.Text;

/// <summary>Merging by rank, on hand-worked words.</summary>
public class BpeMergeTests
{
    private static int? Rank(string a, string b) => (a + "|" + b) switch
    {
        "e|s" => 0,
        "es|t" => 1,
        "l|o" => 2,
        "lo|w" => 3,
        "o|w" => 4,
        _ => null,
    };

    [Fact]
    public void MergesTheLowestRankFirstUntilNoPairHasARank()
    {
        // l o w e s t: e s (0) → es; es t (1) → est; l o (2) → lo; lo w (3) → low. "o w" (4) never gets its turn:
        // after "l o" merged, no o–w pair is left.
        Assert.Equal(["low", "est"], BpeMerge.Apply(["l", "o", "w", "e", "s", "t"], Rank));
        Assert.Equal(["x", "y"], BpeMerge.Apply(["x", "y"], Rank));
        Assert.Empty(BpeMerge.Apply([], Rank));
    }

    [Fact]
    public void MergePairReplacesEveryOccurrenceLeftToRight()
    {
        Assert.Equal(["aa", "a"], BpeMerge.MergePair(["a", "a", "a"], "a", "a"));
        Assert.Equal(["ab", "c", "ab"], BpeMerge.MergePair(["a", "b", "c", "a", "b"], "a", "b"));
        Assert.Equal(["b", "a"], BpeMerge.MergePair(["b", "a"], "a", "b"));
    }
}
