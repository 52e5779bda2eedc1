using System.Text;
using System.Text.RegularExpressions;

namespace TransformerCourse.Runner;

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

    /// <summary>Where the reference solutions of a notebook live: <c>solutions/&lt;name&gt;.csx</c> beside
    /// it.</summary>
    public static string SolutionsPath(string notebookPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!, "solutions",
            Path.GetFileNameWithoutExtension(notebookPath) + ".csx");

    /// <summary>Reads a solutions file into exercise id → replacement cell source.</summary>
    public static IReadOnlyDictionary<string, string> LoadSolutions(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var block in ReadBlocks(path, ExerciseLine(), "// Exercise <id>"))
        {
            if (result.ContainsKey(block.Id))
                throw new InvalidDataException($"{path} line {block.Line}: exercise {block.Id} appears twice");
            result[block.Id] = block.Source;
        }
        return result;
    }

    /// <summary>
    /// Where the plausible wrong answers of a notebook's exercises live: <c>mistakes/&lt;name&gt;.csx</c> beside it.
    /// </summary>
    public static string MistakesPath(string notebookPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!, "mistakes",
            Path.GetFileNameWithoutExtension(notebookPath) + ".csx");

    /// <summary>
    /// Reads a mistakes file: header comment lines, then blocks that each start with
    /// <c>// Exercise &lt;exercise id&gt;: &lt;the mistake&gt;</c> (the solutions' cell format) and run to the next
    /// such line. Each block is a whole
    /// replacement of the exercise cell that compiles and runs but answers wrongly. Blocks keep the file's order;
    /// an exercise id may (and should) have several.
    /// </summary>
    public static IReadOnlyList<Mistake> LoadMistakes(string path)
    {
        var result = new List<Mistake>();
        foreach (var block in ReadBlocks(path, ExerciseLine(), "// Exercise <id>: <the mistake>"))
        {
            var what = MistakeLine().Match(block.Source.Split('\n')[0]).Groups[2].Value.Trim();
            if (what.Length == 0)
                throw new InvalidDataException($"{path} line {block.Line}: say what the mistake is after \"// " +
                    $"Exercise {block.Id}:\"");
            if (block.Source.Split('\n').Skip(1).All(l => l.Trim().Length == 0 || l.TrimStart().StartsWith("//",
                StringComparison.Ordinal)))
                throw new InvalidDataException($"{path} line {block.Line}: mistake {block.Id} has no code");
            result.Add(new Mistake(block.Id, what, block.Source, block.Line));
        }
        return result;
    }

    private static List<(string Id, string Source, int Line)> ReadBlocks(string path, Regex marker, string markerName)
    {
        var blocks = new List<(string Id, string Source, int Line)>();
        (string Id, int Line)? current = null;
        var text = new StringBuilder();
        var lineNo = 0;
        foreach (var line in File.ReadAllLines(path))
        {
            lineNo++;
            if (marker.Match(line) is { Success: true } m)
            {
                Flush();
                current = (m.Groups[1].Value, lineNo);
            }
            else if (current is null && line.Trim().Length > 0 && !line.TrimStart().StartsWith("//",
                StringComparison.Ordinal))
                throw new InvalidDataException($"{path} line {lineNo}: code before the first \"{markerName}\" line");
            if (current is not null) text.Append(line).Append('\n');
        }
        Flush();
        return blocks;

        void Flush()
        {
            if (current is { } c) blocks.Add((c.Id, text.ToString().TrimEnd() + "\n", c.Line));
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

    [GeneratedRegex(@"^\s*//\s*Exercise\s+([0-9A-Za-z][0-9A-Za-z.\-_]*?)\s*:(.*)$")]
    private static partial Regex MistakeLine();

    [GeneratedRegex(@"^\s*//\s*Check\s+([0-9A-Za-z][0-9A-Za-z.\-_]*?)\s*(?::.*)?$")]
    private static partial Regex CheckLine();
}

/// <summary>
/// One plausible wrong answer to an exercise, from a notebook's mistakes file: the exercise id, the mistake in the
/// learner's terms, the replacement cell's source (its first line is the <c>// Exercise</c> line) and the file line
/// where it starts.
/// </summary>
public sealed record Mistake(string Exercise, string What, string Source, int Line);
