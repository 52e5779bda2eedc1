// Reference solutions for notebooks/13-tokenization.ipynb. Each solution replaces the whole exercise cell with the
// same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 13.1: count pairs and apply one merge
Dictionary<(string Left, string Right), int> CountPairs(Dictionary<string, int> vocab)
{
    var pairs = new Dictionary<(string Left, string Right), int>();
    foreach (var (word, count) in vocab)
    {
        var symbols = word.Split(' ');
        for (int i = 0; i + 1 < symbols.Length; i++)
            pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
    }
    return pairs;
}

Dictionary<string, int> MergeVocab((string Left, string Right) pair, Dictionary<string, int> vocab)
{
    var merged = new Dictionary<string, int>();
    foreach (var (word, count) in vocab)
    {
        var symbols = word.Split(' ');
        var output = new List<string>();
        for (int i = 0; i < symbols.Length; i++)
        {
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right)
            {
                output.Add(pair.Left + pair.Right);
                i++;                                                  // both symbols are used up
            }
            else output.Add(symbols[i]);
        }
        merged[string.Join(" ", output)] = count;
    }
    return merged;
}

// Exercise 13.2: encode a word given merge ranks
List<string> EncodeWord(string word, Dictionary<(string, string), int> ranks)
{
    var symbols = word.EnumerateRunes().Select(r => r.ToString()).Append("</w>").ToList();
    while (true)
    {
        int best = -1, bestRank = int.MaxValue;                      // the adjacent pair of lowest rank
        for (int i = 0; i + 1 < symbols.Count; i++)
            if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r < bestRank) (best, bestRank) = (i, r);
        if (best < 0) return symbols;                                 // no adjacent pair has a rank
        string left = symbols[best], right = symbols[best + 1];
        var merged = new List<string>();
        for (int i = 0; i < symbols.Count; i++)                       // every occurrence, left to right
        {
            if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
            {
                merged.Add(left + right);
                i++;
            }
            else merged.Add(symbols[i]);
        }
        symbols = merged;
    }
}

// Exercise 13.3: WordPiece's longest match
List<string> LongestMatch(string word, HashSet<string> vocab)
{
    var pieces = new List<string>();
    int start = 0;
    while (start < word.Length)
    {
        string match = "";                                            // "" = no piece found yet
        int end = word.Length;
        for (; end > start; end--)
        {
            var candidate = (start > 0 ? "##" : "") + word[start..end];
            if (vocab.Contains(candidate)) { match = candidate; break; }
        }
        if (match.Length == 0) return ["[UNK]"];                      // the whole word, not the pieces so far
        pieces.Add(match);
        start = end;
    }
    return pieces;
}
