namespace TransformerCourse.Text;

/// <summary>
/// Byte-pair encoding learned from a corpus (Sennrich, Haddow &amp; Birch 2016): start from characters, count every
/// adjacent pair of symbols over the corpus' words (weighted by word frequency), merge the most frequent pair into a
/// new symbol, and repeat. Frequent words end up as one token, rare words as a few subwords, and no word is ever
/// unknown if its characters were seen.
/// </summary>
/// <remarks>
/// <para>Words are the text split on whitespace; each word is its characters followed by the end-of-word symbol
/// <c>&lt;/w&gt;</c>, so "est&lt;/w&gt;" (a word end) and "est" (inside a word) are different tokens. Ties between
/// equally frequent pairs go to the pair that sorts first (ordinal comparison of left, then right), so learning is
/// deterministic. Learning stops after the requested number of merges or when no word has two symbols left.</para>
/// <para>The vocabulary is the sorted characters, then <c>&lt;/w&gt;</c>, then one token per merge in merge order;
/// id = position. Encoding merges by rank (<see cref="BpeMerge"/>); decoding concatenates the tokens and turns
/// every <c>&lt;/w&gt;</c> into a space, so <c>Decode(Encode(text))</c> is the text's words joined by single
/// spaces.</para>
/// </remarks>
public sealed class BytePairEncoding
{
    /// <summary>The end-of-word symbol.</summary>
    public const string EndOfWord = "</w>";

    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, int> _ids;

    private BytePairEncoding(IReadOnlyList<string> alphabet, IReadOnlyList<(string Left, string Right)> merges)
    {
        Merges = merges;
        _ranks = new Dictionary<(string, string), int>();
        for (int i = 0; i < merges.Count; i++) _ranks.TryAdd(merges[i], i);
        Vocabulary = alphabet.Append(EndOfWord).Concat(merges.Select(m => m.Left + m.Right)).Distinct().ToList();
        _ids = Vocabulary.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The merges, in the order they were learned (index = rank).</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>The tokens; id = index.</summary>
    public IReadOnlyList<string> Vocabulary { get; }

    /// <summary>Learns up to <paramref name="merges"/> merges from the words of <paramref name="texts"/>.</summary>
    public static BytePairEncoding Learn(IEnumerable<string> texts, int merges)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (merges < 0) throw new ArgumentException($"BytePairEncoding.Learn: merges must be ≥ 0, got {merges}.");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var w in Words(text)) counts[w] = counts.GetValueOrDefault(w) + 1;
        }
        var words = counts.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Symbols: Symbols(p.Key), Count: p.Value)).ToList();
        var alphabet = words.SelectMany(w => w.Symbols.SkipLast(1)).Distinct().Order(StringComparer.Ordinal).ToList();
        var learned = new List<(string, string)>();
        while (learned.Count < merges)
        {
            var pairs = CountPairs(words);
            if (pairs.Count == 0) break;
            var best = MostFrequent(pairs);
            learned.Add(best);
            for (int i = 0; i < words.Count; i++)
                words[i] = (BpeMerge.MergePair(words[i].Symbols, best.Left, best.Right), words[i].Count);
        }
        return new BytePairEncoding(alphabet, learned);
    }

    /// <summary>How often each adjacent pair of symbols occurs, each word counted as often as it occurs.</summary>
    public static Dictionary<(string Left, string Right), int> CountPairs(
        IEnumerable<(List<string> Symbols, int Count)> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var pairs = new Dictionary<(string, string), int>();
        foreach (var (symbols, count) in words)
        {
            for (int i = 0; i + 1 < symbols.Count; i++)
                pairs[(symbols[i], symbols[i + 1])] = pairs.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
        }
        return pairs;
    }

    /// <summary>The pair with the highest count; among equal counts the one that sorts first.</summary>
    public static (string Left, string Right) MostFrequent(IReadOnlyDictionary<(string Left, string Right), int> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("BytePairEncoding.MostFrequent: no pairs given.");
        return pairs.OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Left, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Right, StringComparer.Ordinal).First().Key;
    }

    /// <summary>A word as its characters (whole code points) and <c>&lt;/w&gt;</c>: "low" → l, o, w,
    /// &lt;/w&gt;.</summary>
    public static List<string> Symbols(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return word.EnumerateRunes().Select(r => r.ToString()).Append(EndOfWord).ToList();
    }

    private static string[] Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The tokens of a text: each word's symbols merged by rank.</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var word in Words(text))
        {
            tokens.AddRange(BpeMerge.Apply(Symbols(word),
                (a, b) => _ranks.TryGetValue((a, b), out int r) ? r : null));
        }
        return tokens;
    }

    /// <summary>The ids of a text's tokens; a character not seen in training is an error.</summary>
    public int[] Encode(string text) =>
        Tokenize(text).Select(t => _ids.TryGetValue(t, out int id) ? id
            : throw new ArgumentException($"BytePairEncoding.Encode: '{t}' in \"{text}\" is not in the " +
                "vocabulary (a character the corpus did not have).")).ToArray();

    /// <summary>The text of ids: tokens concatenated, each <c>&lt;/w&gt;</c> a space, the last one
    /// dropped.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = string.Concat(ids.Select(id => id >= 0 && id < Vocabulary.Count ? Vocabulary[id]
            : throw new ArgumentException($"BytePairEncoding.Decode: id {id} is outside [0, {Vocabulary.Count}).")));
        return text.Replace(EndOfWord, " ", StringComparison.Ordinal).TrimEnd(' ');
    }
}
