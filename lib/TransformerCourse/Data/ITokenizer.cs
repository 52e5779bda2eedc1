namespace TransformerCourse.Data;

/// <summary>
/// Cuts a text into tokens (strings) and glues tokens back into text. A <see cref="Vocabulary"/> then maps
/// each token to an integer id. The round trip <c>Detokenize(Tokenize(text)) == text</c> holds for the texts
/// each implementation documents.
/// </summary>
public interface ITokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    IReadOnlyList<string> Tokenize(string text);

    /// <summary>The text made of <paramref name="tokens"/>.</summary>
    string Detokenize(IEnumerable<string> tokens);
}
