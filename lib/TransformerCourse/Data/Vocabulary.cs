using System.Text;

namespace TransformerCourse.Data;

/// <summary>
/// A two-way map between tokens and integer ids 0..<see cref="Count"/>−1, the rows of an embedding matrix.
/// Ids 0–3 are the special tokens <c>&lt;pad&gt;</c>=0 (fills short sequences in a batch), <c>&lt;bos&gt;</c>=1
/// (begin of sequence, the decoder's first input), <c>&lt;eos&gt;</c>=2 (end of sequence, the decoder's last target)
/// and <c>&lt;unk&gt;</c>=3 (any token not in the vocabulary); ordinary tokens follow from id 4.
/// Saved as UTF-8 text, one token per line, line i+1 holding the token with id i.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>Id of the padding token <c>&lt;pad&gt;</c>: always 0, so a zero-filled id array
    /// is all padding.</summary>
    public const int Pad = 0;
    /// <summary>Id of the begin-of-sequence token <c>&lt;bos&gt;</c>.</summary>
    public const int Bos = 1;
    /// <summary>Id of the end-of-sequence token <c>&lt;eos&gt;</c>.</summary>
    public const int Eos = 2;
    /// <summary>Id of the unknown-token token <c>&lt;unk&gt;</c>.</summary>
    public const int Unk = 3;

    /// <summary>The special tokens in id order: <c>&lt;pad&gt;</c>, <c>&lt;bos&gt;</c>, <c>&lt;eos&gt;</c>,
    /// <c>&lt;unk&gt;</c>.</summary>
    public static readonly IReadOnlyList<string> Specials = ["<pad>", "<bos>", "<eos>", "<unk>"];

    private readonly List<string> _tokens;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(List<string> tokens, Dictionary<string, int> ids)
    {
        _tokens = tokens;
        _ids = ids;
    }

    /// <summary>The number of ids, special tokens included (the embedding matrix has this many rows).</summary>
    public int Count => _tokens.Count;

    /// <summary>All tokens in id order (index = id).</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The id of <paramref name="token"/>, or <see cref="Unk"/> when it is not in the vocabulary.</summary>
    public int this[string token] => _ids.TryGetValue(token, out int id) ? id : Unk;

    /// <summary>The token with id <paramref name="id"/>; throws naming the id and the size when out of range.</summary>
    public string Token(int id) =>
        (uint)id < (uint)_tokens.Count ? _tokens[id]
            : throw new ArgumentOutOfRangeException(nameof(id),
            $"Vocabulary.Token: id {id} is outside 0..{_tokens.Count - 1}");

    /// <summary>True when <paramref name="token"/> has an id of its own.</summary>
    public bool Contains(string token) => _ids.ContainsKey(token);

    /// <summary>
    /// A vocabulary of the special tokens, then <paramref name="tokens"/> in the order given (duplicates and
    /// special tokens skipped). Use it for a fixed alphabet, e.g. the digits of the copy task.
    /// </summary>
    public static Vocabulary FromTokens(IEnumerable<string> tokens)
    {
        var list = new List<string>(Specials);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++) ids[list[i]] = i;
        foreach (string token in tokens)
        {
            CheckToken(token, "Vocabulary.FromTokens");
            if (ids.TryAdd(token, list.Count)) list.Add(token);
        }
        return new Vocabulary(list, ids);
    }

    /// <summary>
    /// Builds a vocabulary from tokenised texts: every token seen at least <paramref name="minCount"/> times gets
    /// an id, most frequent first (ties in ordinal string order, so the result does not depend on input order
    /// beyond counts). Rarer tokens will encode as <see cref="Unk"/>.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> tokenisedTexts, int minCount = 1)
    {
        if (minCount < 1)
            throw new ArgumentOutOfRangeException(nameof(minCount),
                $"Vocabulary.Build: minCount must be ≥ 1, got {minCount}");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in tokenisedTexts)
            foreach (string token in text)
                counts[token] = counts.GetValueOrDefault(token) + 1;
        var kept = counts.Where(kv => kv.Value >= minCount && !Specials.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key);
        return FromTokens(kept);
    }

    /// <summary>Builds a vocabulary from raw <paramref name="texts"/> cut by <paramref name="tokenizer"/> (see the
    /// other overload).</summary>
    public static Vocabulary Build(IEnumerable<string> texts, ITokenizer tokenizer, int minCount = 1) =>
        Build(texts.Select(tokenizer.Tokenize), minCount);

    /// <summary>
    /// The ids of <paramref name="tokens"/> (unknown tokens → <see cref="Unk"/>), optionally framed by
    /// <see cref="Bos"/> in front and <see cref="Eos"/> at the end. Length = tokens (+1 for each frame token).
    /// </summary>
    public int[] Encode(IEnumerable<string> tokens, bool addBos = false, bool addEos = false)
    {
        var ids = new List<int>();
        if (addBos) ids.Add(Bos);
        foreach (string token in tokens) ids.Add(this[token]);
        if (addEos) ids.Add(Eos);
        return [.. ids];
    }

    /// <summary>
    /// The tokens of <paramref name="ids"/>, read as a model's output: <c>&lt;pad&gt;</c> and <c>&lt;bos&gt;</c> are
    /// skipped, reading stops at the first <c>&lt;eos&gt;</c>, and <c>&lt;unk&gt;</c> comes back as
    /// the text "&lt;unk&gt;".
    /// </summary>
    public IReadOnlyList<string> Decode(IEnumerable<int> ids)
    {
        var tokens = new List<string>();
        foreach (int id in ids)
        {
            if (id == Eos) break;
            if (id == Pad || id == Bos) continue;
            tokens.Add(Token(id));
        }
        return tokens;
    }

    /// <summary>Writes the vocabulary to <paramref name="path"/>: UTF-8 (no BOM), one token per line in id order, '\n'
    /// line ends.</summary>
    public void Save(string path)
    {
        var text = new StringBuilder();
        foreach (string token in _tokens) text.Append(token).Append('\n');
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    /// <summary>
    /// Reads a vocabulary written by <see cref="Save"/>. Throws <see cref="ArgumentException"/> naming the file and
    /// line when the first four lines are not the special tokens in order, a line is empty, or a token repeats.
    /// </summary>
    public static Vocabulary Load(string path)
    {
        var tokens = new List<string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = File.ReadAllText(path, new UTF8Encoding(false)).Split('\n');
        int count = lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;  // a final '\n' ends the last line
        for (int i = 0; i < count; i++)
        {
            string token = lines[i];
            string where = $"{path} line {i + 1}";
            if (token.Length == 0) throw new ArgumentException($"{where}: empty token");
            if (i < Specials.Count && token != Specials[i])
                throw new ArgumentException($"{where}: expected the special token {Specials[i]}, found '{token}'");
            if (!ids.TryAdd(token, i))
                throw new ArgumentException($"{where}: duplicate token '{token}' (first on line {ids[token] + 1})");
            tokens.Add(token);
        }
        if (tokens.Count < Specials.Count)
            throw new ArgumentException($"{path}: expected at least the {Specials.Count} special tokens, " +
                $"found {tokens.Count} lines");
        return new Vocabulary(tokens, ids);
    }

    private static void CheckToken(string token, string operation)
    {
        if (token.Length == 0 || token.Contains('\n'))
            throw new ArgumentException($"{operation}: a token must be non-empty and hold no line break, got " +
                $"'{token}'");
    }
}
