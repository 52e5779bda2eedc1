using System.Text;
using System.Text.RegularExpressions;

namespace TransformerCourse.Runner;

/// <summary>A <c>#r "nuget: Name, Version"</c> request; an empty version means "the latest".</summary>
/// <param name="Name">Package id as written.</param>
/// <param name="Version">Version as written, or empty.</param>
public sealed record PackageRef(string Name, string Version)
{
    /// <summary>
    /// Parses the argument of <c>#r</c> as .NET Interactive does (PackageReference.TryParse): trim spaces, tabs and
    /// quotes; it must start with <c>nuget:</c>; split once at the first comma into name and version.
    /// </summary>
    public static PackageRef? TryParse(string argument)
    {
        var value = argument.Trim(' ', '\t', '"');
        if (!value.StartsWith("nuget:", StringComparison.Ordinal)) return null;
        var parts = value.Split(',', 2).Select(p => p.Trim()).ToArray();
        var name = parts[0]["nuget:".Length..].Trim();
        if (name.Length == 0) return null;
        return new PackageRef(name, parts.Length > 1 ? parts[1] : "");
    }

    /// <summary><c>Name, Version</c> (or just the name), as the kernel prints a package.</summary>
    public override string ToString() => Version.Length == 0 ? Name : $"{Name}, {Version}";
}

/// <summary>A directive or magic command the runner could not accept, with its 1-based line in the cell.</summary>
/// <param name="Line">1-based line in the cell.</param>
/// <param name="Message">What is wrong, naming the directive.</param>
public sealed record DirectiveError(int Line, string Message);

/// <summary>
/// A code cell split the way the .NET Interactive kernel splits a submission: kernel selectors (<c>#!csharp</c>,
/// <c>#!markdown</c>, …) switch the kernel for the lines below them; <c>#r "nuget:…"</c>, <c>#i</c> and <c>#!time</c>
/// are taken out of the C# code. The C# code keeps every line (directive lines become empty), so compiler line
/// numbers are the cell's own.
/// </summary>
public sealed class ParsedCell
{
    /// <summary>The C# script text, same number of lines as the cell.</summary>
    public required string CSharpCode { get; init; }

    /// <summary>True when some line belongs to the C# kernel and is not blank.</summary>
    public bool HasCSharp => CSharpCode.Any(c => !char.IsWhiteSpace(c)) || Packages.Count > 0 || Sources.Count > 0;

    /// <summary>Packages from <c>#r "nuget: …"</c> in C# parts, in order.</summary>
    public required IReadOnlyList<PackageRef> Packages { get; init; }

    /// <summary>Restore sources from <c>#i "nuget: …"</c>.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>True when the cell has <c>#!time</c>: the kernel then shows "Wall time: …ms".</summary>
    public required bool Time { get; init; }

    /// <summary>Text given to other kernels, with the kernel's name (e.g. ("markdown", "# Title")).</summary>
    public required IReadOnlyList<(string Kernel, string Text)> OtherKernels { get; init; }

    /// <summary>Unsupported magic commands and malformed directives.</summary>
    public required IReadOnlyList<DirectiveError> Errors { get; init; }
}

/// <summary>Parses code cells into <see cref="ParsedCell"/>.</summary>
public static partial class CellParser
{
    private static readonly Dictionary<string, string> kernelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csharp"] = "csharp", ["c#"] = "csharp", ["cs"] = "csharp",
        ["fsharp"] = "fsharp", ["f#"] = "fsharp", ["fs"] = "fsharp",
        ["pwsh"] = "pwsh", ["powershell"] = "pwsh",
        ["javascript"] = "javascript", ["js"] = "javascript",
        ["markdown"] = "markdown", ["md"] = "markdown",
        ["html"] = "html", ["sql"] = "sql", ["kql"] = "kql", ["mermaid"] = "mermaid", ["http"] = "http",
        ["value"] = "value",
    };

    /// <summary>The canonical kernel name for a name or alias (<c>C#</c> → <c>csharp</c>), or the name
    /// itself.</summary>
    public static string Canonical(string kernel) => kernelAliases.GetValueOrDefault(kernel, kernel);

    /// <summary>Splits a code cell whose kernel (from its metadata) is <paramref name="kernel"/>.</summary>
    public static ParsedCell Parse(string source, string kernel)
    {
        var current = Canonical(kernel);
        var code = new StringBuilder();
        var packages = new List<PackageRef>();
        var sources = new List<string>();
        var others = new List<(string Kernel, StringBuilder Text)>();
        var errors = new List<DirectiveError>();
        var time = false;

        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            var keep = false;
            if (trimmed.StartsWith("#!", StringComparison.Ordinal))
            {
                var name = trimmed[2..].Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()
                    ?? "";
                if (kernelAliases.TryGetValue(name, out var selected))
                {
                    current = selected;
                    if (current != "csharp") others.Add((current, new StringBuilder()));
                }
                else if (name == "time")
                    time = true;
                else
                    errors.Add(new DirectiveError(i + 1,
                        $"unsupported magic command #!{name}: the headless runner knows #!csharp, #!markdown (and " +
                            $"other kernel selectors), #!time, #r and #i"));
            }
            else if (current != "csharp")
            {
                if (others.Count == 0) others.Add((current, new StringBuilder()));
                others[^1].Text.Append(line).Append('\n');
            }
            else if (RDirective().Match(trimmed) is { Success: true } r && r.Groups[1].Value.TrimStart('"',
                ' ').StartsWith("nuget:", StringComparison.Ordinal))
            {
                if (PackageRef.TryParse(r.Groups[1].Value) is { } package) packages.Add(package);
                else errors.Add(new DirectiveError(i + 1,
                    $"unable to parse package reference: {r.Groups[1].Value.Trim()}"));
            }
            else if (IDirective().Match(trimmed) is { Success: true } iMatch)
            {
                var value = iMatch.Groups[1].Value.Trim(' ', '\t', '"').Replace("nuget:", "").Trim();
                if (value.Length == 0) errors.Add(new DirectiveError(i + 1,
                    "#i needs a source, e.g. #i \"nuget: https://example.org/v3/index.json\""));
                else sources.Add(value);
            }
            else
                keep = true;

            if (keep) code.Append(line);
            if (i < lines.Length - 1) code.Append('\n');
        }

        return new ParsedCell
        {
            CSharpCode = code.ToString(),
            Packages = packages,
            Sources = sources,
            Time = time,
            OtherKernels = others.Select(o => (o.Kernel, o.Text.ToString())).ToList(),
            Errors = errors,
        };
    }

    [GeneratedRegex("""^#r\s+(.*)$""")]
    private static partial Regex RDirective();

    [GeneratedRegex("""^#i\s+(.*)$""")]
    private static partial Regex IDirective();
}
