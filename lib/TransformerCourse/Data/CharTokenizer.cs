using System.Globalization;

namespace TransformerCourse.Data;

/// <summary>
/// Character-level tokeniser: one token per user-perceived character (a .NET text element, i.e. a grapheme
/// cluster), so "21 mar" → ["2","1"," ","m","a","r"] and "학생" → ["학","생"] (each precomposed Hangul syllable is one
/// UTF-16 char and one token). Spaces are tokens too. The round trip is exact for every string.
/// </summary>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>The one shared instance (the tokeniser has no settings).</summary>
    public static readonly CharTokenizer Instance = new();

    /// <inheritdoc/>
    public IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>(text.Length);
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext()) tokens.Add(elements.GetTextElement());
        return tokens;
    }

    /// <inheritdoc/>
    public string Detokenize(IEnumerable<string> tokens) => string.Concat(tokens);
}
