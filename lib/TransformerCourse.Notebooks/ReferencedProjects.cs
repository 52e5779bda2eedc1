using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks;

/// <summary>
/// Notebooks load the course library with <c>#r "../lib/TransformerCourse/bin/Debug/net8.0/TransformerCourse.dll"</c>.
/// Before running, this finds such <c>#r</c> paths that do not exist yet, finds the project that builds them
/// (<c>Name.csproj</c> in a folder above <c>bin/</c>) and builds it with <c>dotnet build</c>.
/// </summary>
public static partial class ReferencedProjects
{
    /// <summary>The <c>#r "file.dll"</c> paths of a notebook's code cells, made absolute against its folder.</summary>
    public static IReadOnlyList<string> DllReferences(string notebookPath)
    {
        Notebook notebook;
        try
        {
            notebook = Notebook.Load(notebookPath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return [];    // running it reports the problem, as a failure of that notebook alone
        }
        return notebook.Cells.Where(c => c.CellType == "code")
            .SelectMany(c => c.Source.Split('\n'))
            .Select(l => DllLine().Match(l.Trim()))
            .Where(m => m.Success)
            .Select(m => Path.GetFullPath(Path.Combine(notebook.Directory, m.Groups[1].Value)))
            .Distinct()
            .ToList();
    }

    /// <summary>The project that builds <paramref name="dllPath"/>: <c>&lt;dir&gt;/Name.csproj</c> where <c>&lt;dir&gt;/bin/…/Name.dll</c>.</summary>
    public static string? ProjectFor(string dllPath)
    {
        var name = Path.GetFileNameWithoutExtension(dllPath);
        for (var dir = Path.GetDirectoryName(dllPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, name + ".csproj");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>Builds the projects behind missing <c>#r</c> DLLs of the given notebooks; returns false if a build failed.</summary>
    public static async Task<bool> EnsureBuiltAsync(IEnumerable<string> notebookPaths, TextWriter log, CancellationToken cancel = default)
    {
        var missing = notebookPaths.SelectMany(DllReferences).Distinct().Where(p => !File.Exists(p)).ToList();
        foreach (var dll in missing)
        {
            if (File.Exists(dll) || ProjectFor(dll) is not { } project) continue;
            var configuration = dll.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            log.WriteLine($"Building {project} ({configuration}): a notebook loads {dll}");
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
            foreach (var arg in new[] { "build", project, "-c", configuration, "--nologo", "-v", "q" }) start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            await process.WaitForExitAsync(cancel);
            if (process.ExitCode != 0 || !File.Exists(dll))
            {
                log.WriteLine($"Building {project} did not produce {dll}");
                return false;
            }
        }
        return true;
    }

    /// <summary>The repository root above <paramref name="start"/> (the folder holding TransformerCourse.sln or .git), or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = Path.GetFullPath(start); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "TransformerCourse.sln")) || Path.Exists(Path.Combine(dir, ".git"))) return dir;
        }
        return null;
    }

    [GeneratedRegex("""^#r\s+"(?!nuget:)([^"]+\.dll)"\s*$""")]
    private static partial Regex DllLine();
}
