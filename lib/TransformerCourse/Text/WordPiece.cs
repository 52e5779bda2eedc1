namespace TransformerCourse.Text;

/// <summary>
/// BERT's WordPiece tokenizer (uncased): <see cref="BertPreTokenizer"/> splits the text into words, then each word
/// is cut greedily, longest match first, into vocabulary pieces; pieces after the first carry the prefix "##".
/// "unaffable" → "un", "##aff", "##able". A word that cannot be cut completely, or is longer than
/// <see cref="MaxWordLength"/> characters, becomes one [UNK]. <see cref="Encode"/> adds [CLS] … [SEP].
/// </summary>
/// <remarks>The vocabulary is a list of tokens, id = line number (BERT's vocab.txt). Decoding joins the pieces
/// and drops the "##" (the lower-casing, accents and spacing around punctuation are not restored).</remarks>
public sealed class WordPiece
{
    private readonly Dictionary<string, int> _ids;
    private readonly string[] _tokens;

    /// <summary>Creates the tokenizer from the vocabulary's tokens (line i = id i).</summary>
    public WordPiece(IReadOnlyList<string> vocabulary, int maxWordLength = 100)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        _tokens = vocabulary.ToArray();
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length; i++)
        {
            if (!_ids.TryAdd(_tokens[i], i))
                throw new ArgumentException($"WordPiece: token '{_tokens[i]}' appears twice in the vocabulary " +
                    $"(lines {_ids[_tokens[i]] + 1} and {i + 1}).");
        }
        MaxWordLength = maxWordLength;
        Unknown = Id("[UNK]");
        Cls = Id("[CLS]");
        Sep = Id("[SEP]");
        Pad = _ids.GetValueOrDefault("[PAD]", 0);
    }

    /// <summary>Words longer than this (in characters) become [UNK].</summary>
    public int MaxWordLength { get; }

    /// <summary>The number of tokens.</summary>
    public int VocabSize => _tokens.Length;

    /// <summary>The id of [UNK].</summary>
    public int Unknown { get; }

    /// <summary>The id of [CLS], put first.</summary>
    public int Cls { get; }

    /// <summary>The id of [SEP], put last.</summary>
    public int Sep { get; }

    /// <summary>The id of [PAD] (0 if the vocabulary has none).</summary>
    public int Pad { get; }

    /// <summary>The token of an id.</summary>
    public string Token(int id) =>
        id >= 0 && id < _tokens.Length ? _tokens[id]
        : throw new ArgumentException($"WordPiece: id {id} is outside the vocabulary [0, {_tokens.Length}).");

    private int Id(string token) =>
        _ids.TryGetValue(token, out int id) ? id
        : throw new ArgumentException($"WordPiece: the vocabulary has no '{token}'.");

    /// <summary>The pieces of one (already pre-tokenized) word: greedy longest match first, "##" after the
    /// first piece; ["[UNK]"] if some position matches nothing or the word is too long.</summary>
    public IReadOnlyList<string> Pieces(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        var pieces = new List<string>();
        if (word.EnumerateRunes().Count() > MaxWordLength) return ["[UNK]"];
        int start = 0;
        while (start < word.Length)
        {
            string? match = null;
            for (int end = word.Length; end > start; end--)
            {
                if (char.IsLowSurrogate(word[end - 1]) && end - 1 > start) continue;   // never split a surrogate pair
                string piece = (start > 0 ? "##" : "") + word[start..end];
                if (_ids.ContainsKey(piece))
                {
                    match = piece;
                    start = end;
                    break;
                }
            }
            if (match is null) return ["[UNK]"];
            pieces.Add(match);
        }
        return pieces;
    }

    /// <summary>The tokens of a text, without [CLS]/[SEP].</summary>
    public IReadOnlyList<string> Tokenize(string text) => BertPreTokenizer.Split(text).SelectMany(Pieces).ToList();

    /// <summary>[CLS] ids… [SEP], the input of a BERT model.</summary>
    public int[] Encode(string text, bool addSpecialTokens = true)
    {
        var ids = Tokenize(text).Select(t => _ids[t]);
        return (addSpecialTokens ? ids.Prepend(Cls).Append(Sep) : ids).ToArray();
    }

    /// <summary>The text of ids: special tokens dropped, "##" pieces glued to the previous one, words joined by
    /// spaces.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new System.Text.StringBuilder();
        foreach (int id in ids)
        {
            if (id == Cls || id == Sep || id == Pad) continue;
            string token = Token(id);
            if (token.StartsWith("##", StringComparison.Ordinal)) text.Append(token, 2, token.Length - 2);
            else text.Append(text.Length > 0 ? " " : "").Append(token);
        }
        return text.ToString();
    }
}
