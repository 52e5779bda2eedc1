using System.Text;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks;

/// <summary>
/// Exercise markers and reference solutions. An exercise is a stub cell whose first line is
/// <c>// Exercise 00.1: title</c> and a check cell below it whose first line is <c>// Check 00.1</c>.
/// Reference solutions live outside the learner's notebook, in <c>solutions/&lt;notebook name&gt;.csx</c> beside
/// it: each solution is the whole replacement cell, starting with its own <c>// Exercise 00.1</c> line and
/// running to the next such line.
/// </summary>
public static partial class Exercises
{
    /// <summary>The exercise id if <paramref name="source"/> is an exercise stub cell, else null.</summary>
    public static string? StubId(string source) => Marker(source, ExerciseLine());

    /// <summary>The exercise id if <paramref name="source"/> is a check cell, else null.</summary>
    public static string? CheckId(string source) => Marker(source, CheckLine());

    /// <summary>Where the reference solutions of a notebook live: <c>solutions/&lt;name&gt;.csx</c> beside it.</summary>
    public static string SolutionsPath(string notebookPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!, "solutions", Path.GetFileNameWithoutExtension(notebookPath) + ".csx");

    /// <summary>Reads a solutions file into exercise id → replacement cell source.</summary>
    public static IReadOnlyDictionary<string, string> LoadSolutions(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string? id = null;
        var text = new StringBuilder();
        var lineNo = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNo++;
            if (ExerciseLine().Match(line) is { Success: true } m)
            {
                Flush();
                id = m.Groups[1].Value;
                if (result.ContainsKey(id)) throw new InvalidDataException($"{path} line {lineNo}: exercise {id} appears twice");
            }
            else if (id is null && line.Trim().Length > 0 && !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
                throw new InvalidDataException($"{path} line {lineNo}: code before the first \"// Exercise <id>\" line");
            if (id is not null) text.Append(line).Append('\n');
        }
        Flush();
        return result;

        void Flush()
        {
            if (id is not null) result[id] = text.ToString().TrimEnd() + "\n";
            text.Clear();
        }
    }

    private static string? Marker(string source, Regex regex)
    {
        var first = source.Replace("\r\n", "\n").Split('\n').FirstOrDefault(l => l.Trim().Length > 0) ?? "";
        return regex.Match(first) is { Success: true } m ? m.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^\s*//\s*Exercise\s+([0-9A-Za-z][0-9A-Za-z.\-_]*?)\s*(?::.*)?$")]
    private static partial Regex ExerciseLine();

    [GeneratedRegex(@"^\s*//\s*Check\s+([0-9A-Za-z][0-9A-Za-z.\-_]*?)\s*(?::.*)?$")]
    private static partial Regex CheckLine();
}
