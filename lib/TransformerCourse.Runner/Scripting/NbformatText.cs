using System.Text.Json.Nodes;

namespace TransformerCourse.Runner.Scripting;

/// <summary>nbformat's multi-line text: a cell's source and its outputs' text are stored as arrays of lines that keep
/// their "\n".</summary>
public static class NbformatText
{
    /// <summary>Splits text into lines that keep their "\n", the way nbformat stores sources and stream text.</summary>
    private static IEnumerable<string> SplitLines(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            yield return text[start..(i + 1)];
            start = i + 1;
        }
        if (start < text.Length) yield return text[start..];
    }

    /// <summary>Text as nbformat's JSON array of lines.</summary>
    public static JsonArray Lines(string text) =>
        new(SplitLines(text).Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
}
