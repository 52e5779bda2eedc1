using System.Text;
using System.Text.RegularExpressions;

namespace TransformerCourse.Text;

/// <summary>
/// GPT-2's byte-level BPE (Radford et al. 2019): split the text with GPT-2's pattern (contractions, letter runs,
/// digit runs, other symbols, whitespace — each with at most one leading space), turn each piece into its UTF-8
/// bytes (256 base symbols: any text encodes, nothing is unknown), and merge adjacent symbols by rank, lowest
/// first, while the merged symbol has a rank. A token's id is its rank.
/// </summary>
/// <remarks>
/// <para>Ranks map byte sequences to ids, as in tiktoken's <c>gpt2.tiktoken</c> (base64 bytes, space, rank per
/// line); GPT-2 has 50,257 (256 bytes, 50,000 merges, &lt;|endoftext|&gt; = 50,256, a special token this encoder
/// never produces from text). Tokens are shown in <see cref="ByteAlphabet"/> characters ("Ġworld" for " world").
/// </para>
/// <para>Merging by the rank of the merged sequence gives the same tokens as GPT-2's merge list, whose n-th merge
/// made token 256 + n.</para>
/// <para>.NET's regular expressions see UTF-16 code units: a letter outside the Basic Multilingual Plane (𝐀, U+1D400)
/// is two surrogates, which match the "other symbols" branch rather than <c>\p{L}</c>, so such text may be cut
/// differently from OpenAI's Python tiktoken (Microsoft.ML.Tokenizers does the same as this class). Emoji are
/// symbols in both.</para>
/// </remarks>
public sealed class ByteLevelBpe
{
    /// <summary>GPT-2's pre-tokenisation pattern (encoder.py).</summary>
    public const string Gpt2Pattern =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly Regex Gpt2Regex = new(Gpt2Pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private readonly Dictionary<string, int> _ranks;
    private readonly Dictionary<int, string> _tokens;

    /// <summary>Creates the encoder from byte-sequence ranks (which must include all 256 single bytes).</summary>
    public ByteLevelBpe(IEnumerable<(byte[] Bytes, int Rank)> ranks)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        _ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        _tokens = new Dictionary<int, string>();
        foreach (var (bytes, rank) in ranks)
        {
            string symbol = ByteAlphabet.Encode(bytes);
            if (!_ranks.TryAdd(symbol, rank) || !_tokens.TryAdd(rank, symbol))
                throw new ArgumentException($"ByteLevelBpe: token '{symbol}' or rank {rank} is given twice.");
        }
        for (int b = 0; b < 256; b++)
        {
            if (!_ranks.ContainsKey(ByteAlphabet.Char((byte)b).ToString()))
                throw new ArgumentException($"ByteLevelBpe: the ranks have no entry for the single byte {b}.");
        }
    }

    /// <summary>Reads tiktoken's format: one "base64-bytes rank" per line; a line of base64 bytes alone takes the
    /// next rank (0, 1, 2, … — the compact form Microsoft.ML.Tokenizers' data packages ship).</summary>
    public static ByteLevelBpe FromTiktoken(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var ranks = new List<(byte[], int)>();
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var parts = line.Split(' ');
            int rank = ranks.Count;
            if (parts.Length > 2 || (parts.Length == 2 && !int.TryParse(parts[1],
                    System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture,
                    out rank)))
                throw new FormatException($"ByteLevelBpe.FromTiktoken: line {lineNumber} is \"{line}\"; expected " +
                    "base64 bytes, a space and a rank.");
            ranks.Add((Convert.FromBase64String(parts[0]), rank));
        }
        return new ByteLevelBpe(ranks);
    }

    /// <summary>The number of ranked tokens.</summary>
    public int VocabSize => _ranks.Count;

    /// <summary>The pieces GPT-2's pattern cuts a text into: "Hello world's" → "Hello", " world", "'s".</summary>
    public static IReadOnlyList<string> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Gpt2Regex.Matches(text).Select(m => m.Value).ToList();
    }

    /// <summary>The tokens of a text in <see cref="ByteAlphabet"/> characters: "Hello world" → "Hello",
    /// "Ġworld".</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (var piece in PreTokenize(text))
        {
            var bytes = ByteAlphabet.Encode(Encoding.UTF8.GetBytes(piece));
            tokens.AddRange(BpeMerge.Apply(bytes.Select(c => c.ToString()),
                (a, b) => _ranks.TryGetValue(a + b, out int r) ? r : null));
        }
        return tokens;
    }

    /// <summary>The ids (ranks) of a text's tokens.</summary>
    public int[] Encode(string text) => Tokenize(text).Select(t => _ranks[t]).ToArray();

    /// <summary>The token of an id, in <see cref="ByteAlphabet"/> characters.</summary>
    public string Token(int id) =>
        _tokens.TryGetValue(id, out var t) ? t
        : throw new ArgumentException($"ByteLevelBpe: id {id} is not a token of this vocabulary.");

    /// <summary>The text of ids: their bytes concatenated and read as UTF-8 (exactly the encoded text).</summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = ids.SelectMany(id => ByteAlphabet.Decode(Token(id))).ToArray();
        return Encoding.UTF8.GetString(bytes);
    }
}
