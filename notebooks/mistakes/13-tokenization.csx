// Plausible wrong answers to the exercises of notebooks/13-tokenization.ipynb. Each block replaces the whole exercise
// cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block compiles
// and runs, and the exercise's check must print ✘ for it.

// Exercise 13.1: counts each pair once per word type, not weighted by the word's count
Dictionary<(string Left, string Right), int> CountPairs(Dictionary<string, int> vocab)
{
    var pairs = new Dictionary<(string Left, string Right), int>();
    foreach (var word in vocab.Keys)
    {
        var symbols = word.Split(' ');
        for (int i = 0; i + 1 < symbols.Length; i++)
            pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + 1;
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
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right) { output.Add(pair.Left + pair.Right); i++; }
            else output.Add(symbols[i]);
        }
        merged[string.Join(" ", output)] = count;
    }
    return merged;
}

// Exercise 13.1: merges with a plain string replace of "left right", which also glues symbols that only end or start with them
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

Dictionary<string, int> MergeVocab((string Left, string Right) pair, Dictionary<string, int> vocab) =>
    vocab.ToDictionary(p => p.Key.Replace($"{pair.Left} {pair.Right}", pair.Left + pair.Right), p => p.Value);

// Exercise 13.1: counts a pair at most once per word (a set of the word's pairs), so "a a a" gives a a: 2, not 4
Dictionary<(string Left, string Right), int> CountPairs(Dictionary<string, int> vocab)
{
    var pairs = new Dictionary<(string Left, string Right), int>();
    foreach (var (word, count) in vocab)
    {
        var symbols = word.Split(' ');
        var seen = Enumerable.Range(0, symbols.Length - 1).Select(i => (symbols[i], symbols[i + 1])).ToHashSet();
        foreach (var p in seen) pairs[p] = pairs.GetValueOrDefault(p) + count;
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
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right) { output.Add(pair.Left + pair.Right); i++; }
            else output.Add(symbols[i]);
        }
        merged[string.Join(" ", output)] = count;
    }
    return merged;
}

// Exercise 13.1: merges overlapping occurrences, so "a a a" becomes "aa aa" instead of "aa a"
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
            if (i + 1 < symbols.Length && symbols[i] == pair.Left && symbols[i + 1] == pair.Right) output.Add(pair.Left + pair.Right);
            else if (i == 0 || !(symbols[i - 1] == pair.Left && symbols[i] == pair.Right)) output.Add(symbols[i]);
        }
        merged[string.Join(" ", output)] = count;
    }
    return merged;
}

// Exercise 13.2: merges the first pair (left to right) that has a rank, not the pair of lowest rank
List<string> EncodeWord(string word, Dictionary<(string, string), int> ranks)
{
    var symbols = word.EnumerateRunes().Select(r => r.ToString()).Append("</w>").ToList();
    bool merged = true;
    while (merged)
    {
        merged = false;
        for (int i = 0; i + 1 < symbols.Count; i++)
        {
            if (!ranks.ContainsKey((symbols[i], symbols[i + 1]))) continue;
            symbols[i] += symbols[i + 1];
            symbols.RemoveAt(i + 1);
            merged = true;
            break;
        }
    }
    return symbols;
}

// Exercise 13.2: forgets the end-of-word symbol </w>, so word-final merges (est</w>) never apply
List<string> EncodeWord(string word, Dictionary<(string, string), int> ranks)
{
    var symbols = word.EnumerateRunes().Select(r => r.ToString()).ToList();
    while (true)
    {
        int best = -1, bestRank = int.MaxValue;
        for (int i = 0; i + 1 < symbols.Count; i++)
            if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r < bestRank) (best, bestRank) = (i, r);
        if (best < 0) return symbols;
        symbols[best] += symbols[best + 1];
        symbols.RemoveAt(best + 1);
    }
}

// Exercise 13.2: merges the pair of highest rank first (the last learned) instead of the lowest
List<string> EncodeWord(string word, Dictionary<(string, string), int> ranks)
{
    var symbols = word.EnumerateRunes().Select(r => r.ToString()).Append("</w>").ToList();
    while (true)
    {
        int best = -1, bestRank = int.MinValue;
        for (int i = 0; i + 1 < symbols.Count; i++)
            if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int r) && r > bestRank) (best, bestRank) = (i, r);
        if (best < 0) return symbols;
        symbols[best] += symbols[best + 1];
        symbols.RemoveAt(best + 1);
    }
}

// Exercise 13.3: takes the shortest matching piece first instead of the longest
List<string> LongestMatch(string word, HashSet<string> vocab)
{
    var pieces = new List<string>();
    int start = 0;
    while (start < word.Length)
    {
        string match = "";                                            // "" = no piece found yet
        int end = start + 1;
        for (; end <= word.Length; end++)
        {
            var candidate = (start > 0 ? "##" : "") + word[start..end];
            if (vocab.Contains(candidate)) { match = candidate; break; }
        }
        if (match.Length == 0) return ["[UNK]"];
        pieces.Add(match);
        start = end;
    }
    return pieces;
}

// Exercise 13.3: when it gets stuck, keeps the pieces found so far and adds [UNK] for the rest
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
        if (match.Length == 0) { pieces.Add("[UNK]"); return pieces; }
        pieces.Add(match);
        start = end;
    }
    return pieces;
}

// Exercise 13.3: looks continuation pieces up without the "##" prefix
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
            var candidate = word[start..end];
            if (vocab.Contains(candidate)) { match = candidate; break; }
        }
        if (match.Length == 0) return ["[UNK]"];
        pieces.Add(start > 0 ? "##" + match : match);
        start = end;
    }
    return pieces;
}
