using System.Globalization;
using System.Text;

namespace TransformerCourse.Text;

/// <summary>
/// BERT's "basic tokenizer" (uncased), the step before WordPiece: clean the text, put spaces around CJK ideographs,
/// split on whitespace, lower-case, strip accents, and split off every punctuation character.
/// "Héllo, World!" → ["hello", ",", "world", "!"].
/// </summary>
/// <remarks>
/// <para>Cleaning drops U+0000, U+FFFD and control characters (other than tab and newlines) and turns every
/// whitespace character into a space. Accents are stripped by decomposing (Unicode NFD) and dropping the
/// non-spacing marks, so "é" becomes "e" — and a Hangul syllable becomes its conjoining jamo ("한" → "ᄒ", "ᅡ",
/// "ᆫ"), as in Hugging Face's BERT. Punctuation is ASCII 33–47, 58–64, 91–96, 123–126 and every Unicode P*
/// category.</para>
/// <para>Decomposition needs the runtime's Unicode tables (ICU): with <c>InvariantGlobalization</c> on, .NET cannot
/// decompose, and non-ASCII text is refused with an error instead of being tokenized differently.</para>
/// </remarks>
public static class BertPreTokenizer
{
    /// <summary>The words and punctuation marks of <paramref name="text"/>, lower-cased and without
    /// accents.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spaced = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) spaced.Append(' ');
            else if (IsCjk(cp)) spaced.Append(' ').Append(rune.ToString()).Append(' ');
            else spaced.Append(rune.ToString());
        }
        var words = new List<string>();
        foreach (var word in spaced.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            SplitPunctuation(StripAccents(word.ToLowerInvariant()), words);
        return words;
    }

    /// <summary>NFD, then drop non-spacing marks (Mn): "café" → "cafe".</summary>
    public static string StripAccents(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.All(char.IsAscii)) return word;
        var decomposed = word.Normalize(NormalizationForm.FormD);
        if (!CanDecompose)
            throw new InvalidOperationException($"BertPreTokenizer: cannot strip the accents of '{word}': this " +
                "process runs with InvariantGlobalization, which has no Unicode decomposition (NFD).");
        var kept = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        }
        return kept.ToString();
    }

    /// <summary>Whether this runtime decomposes "é" into "e" + U+0301.</summary>
    private static bool CanDecompose { get; } = "\u00e9".Normalize(NormalizationForm.FormD).Length == 2;

    private static void SplitPunctuation(string word, List<string> into)
    {
        var current = new StringBuilder();
        foreach (var rune in word.EnumerateRunes())
        {
            if (!IsPunctuation(rune))
            {
                current.Append(rune.ToString());
                continue;
            }
            if (current.Length > 0) into.Add(current.ToString());
            current.Clear();
            into.Add(rune.ToString());
        }
        if (current.Length > 0) into.Add(current.ToString());
    }

    /// <summary>ASCII symbols 33–47, 58–64, 91–96, 123–126 (so "$", "^", "`" count) and Unicode's P*
    /// categories.</summary>
    public static bool IsPunctuation(Rune rune)
    {
        int cp = rune.Value;
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
            return true;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r')
        && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    /// <summary>The CJK Unified Ideograph blocks BERT splits into single characters (not Hangul or
    /// kana).</summary>
    public static bool IsCjk(int cp) =>
        (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B820 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}
