namespace TransformerCourse.Data;

/// <summary>
/// Word-level tokeniser: splits on whitespace and cuts trailing punctuation (. , ! ? ; :) off a word into tokens of
/// its own, so "I am a student." → ["I","am","a","student","."] and "나는 학생입니다" → ["나는","학생입니다"].
/// Korean words keep their particles and endings (학생은, 먹었습니다): each inflected form is one token.
/// <see cref="Detokenize"/> joins with single spaces and puts no space before punctuation, so the round trip is
/// exact for text with single spaces, no leading/trailing space and no space before punctuation.
/// </summary>
public sealed class WordTokenizer : ITokenizer
{
    /// <summary>The one shared instance (the tokeniser has no settings).</summary>
    public static readonly WordTokenizer Instance = new();

    private const string Punctuation = ".,!?;:";

    /// <inheritdoc/>
    public IReadOnlyList<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            int end = word.Length;
            while (end > 0 && Punctuation.Contains(word[end - 1])) end--;
            if (end > 0) tokens.Add(word[..end]);
            for (int i = end; i < word.Length; i++) tokens.Add(word[i].ToString());
        }
        return tokens;
    }

    /// <inheritdoc/>
    public string Detokenize(IEnumerable<string> tokens)
    {
        var text = new System.Text.StringBuilder();
        foreach (string token in tokens)
        {
            bool isPunctuation = token.Length == 1 && Punctuation.Contains(token[0]);
            if (text.Length > 0 && !isPunctuation) text.Append(' ');
            text.Append(token);
        }
        return text.ToString();
    }
}
