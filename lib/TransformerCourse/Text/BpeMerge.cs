namespace TransformerCourse.Text;

/// <summary>
/// The encoding step shared by every byte-pair encoder: given a word as a list of symbols and a rank for each
/// mergeable pair (lower = learned earlier), repeatedly merge the adjacent pair of lowest rank — every occurrence of
/// it, left to right — until no adjacent pair has a rank. "l o w e s t" with ranks {e s: 0, es t: 1, l o: 2,
/// lo w: 3} → "es" → "est" → "lo" → "low": [low, est].
/// </summary>
public static class BpeMerge
{
    /// <summary>Merges <paramref name="symbols"/> by rank; <paramref name="rank"/> gives the rank of a pair, or
    /// null if it never merges.</summary>
    public static List<string> Apply(IEnumerable<string> symbols, Func<string, string, int?> rank)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(rank);
        var word = symbols.ToList();
        while (word.Count > 1)
        {
            int best = int.MaxValue;
            string? left = null, right = null;
            for (int i = 0; i + 1 < word.Count; i++)
            {
                if (rank(word[i], word[i + 1]) is int r && r < best)
                    (best, left, right) = (r, word[i], word[i + 1]);
            }
            if (left is null) break;
            word = MergePair(word, left, right!);
        }
        return word;
    }

    /// <summary>Replaces every adjacent (left, right), scanning left to right, by the one symbol left+right:
    /// merging (a, a) in "a a a" gives "aa a".</summary>
    public static List<string> MergePair(IReadOnlyList<string> word, string left, string right)
    {
        ArgumentNullException.ThrowIfNull(word);
        var merged = new List<string>(word.Count);
        for (int i = 0; i < word.Count; i++)
        {
            if (i + 1 < word.Count && word[i] == left && word[i + 1] == right)
            {
                merged.Add(left + right);
                i++;
            }
            else
            {
                merged.Add(word[i]);
            }
        }
        return merged;
    }
}
