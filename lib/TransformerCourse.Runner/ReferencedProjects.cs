using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TransformerCourse.Runner;

/// <summary>
/// Notebooks load the course's assemblies from one folder, <c>#r "../lib/bin/TransformerCourse.dll"</c>, which every
/// build of the library, the display helpers and the recipes fills (Directory.Build.targets). Before a run this finds
/// the project behind each <c>#r</c>'d DLL (<c>lib/TransformerCourse/TransformerCourse.csproj</c> for
/// <c>lib/bin/TransformerCourse.dll</c>) and builds it, so that an edited library file shows up in the next run; an
/// incremental build of an unchanged project takes a few seconds.
/// </summary>
public static partial class ReferencedProjects
{
    /// <summary>The <c>#r "file.dll"</c> paths of a notebook's code cells, made absolute against its folder.</summary>
    public static IReadOnlyList<string> DllReferences(string notebookPath)
    {
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(notebookPath);
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

    /// <summary>
    /// The project that builds <paramref name="dllPath"/> (<c>Name.dll</c>): <c>Name.csproj</c> or
    /// <c>Name/Name.csproj</c> in the DLL's folder or a folder above it, so both <c>lib/bin/Name.dll</c> and
    /// <c>lib/Name/bin/…/Name.dll</c> find <c>lib/Name/Name.csproj</c>; null if there is none.
    /// </summary>
    public static string? ProjectFor(string dllPath)
    {
        var name = Path.GetFileNameWithoutExtension(dllPath);
        for (var dir = Path.GetDirectoryName(dllPath); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            foreach (var candidate in new[] { Path.Combine(dir, name + ".csproj"), Path.Combine(dir, name,
                name + ".csproj") })
                if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Builds the projects behind the <c>#r</c> DLLs of the given notebooks (always: <c>dotnet build</c> is
    /// incremental), one build at a time in this process; returns false if a build failed or did not produce its DLL.
    /// </summary>
    public static async Task<bool> EnsureBuiltAsync(IEnumerable<string> notebookPaths, TextWriter log,
        CancellationToken cancel = default)
    {
        var references = notebookPaths.SelectMany(DllReferences).Distinct().ToList();
        var projects = references.Select(dll => (dll, project: ProjectFor(dll)))
            .Where(p => p.project is not null)
            .GroupBy(p => p.project!, p => p.dll)
            .ToList();
        foreach (var group in projects)
        {
            var lockFile = Path.Combine(Path.GetDirectoryName(group.First())!, ".course-build.lock");
            if (!await BuildAsync(group.Key, lockFile, log, cancel)) return false;
            if (group.FirstOrDefault(dll => !File.Exists(dll)) is { } missing)
            {
                log.WriteLine($"Building {group.Key} did not produce {missing}");
                return false;
            }
        }
        return true;
    }

    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    /// <summary>
    /// <c>dotnet build</c> of one project, one build at a time: in this process (tests run notebooks in parallel) and
    /// across processes (an exclusive lock on a file in the folder notebooks load from: the projects share their
    /// references).
    /// </summary>
    private static async Task<bool> BuildAsync(string project, string lockFile, TextWriter log,
        CancellationToken cancel)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "build", project, "--nologo", "-v", "q",
            "-clp:ErrorsOnly" }) start.ArgumentList.Add(arg);
        await BuildLock.WaitAsync(cancel);
        try
        {
            using var fileLock = await LockFileAsync(lockFile, cancel);
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancel);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            if (process.ExitCode == 0) return true;
            log.WriteLine($"Building {project} failed (a notebook loads its DLL):");
            log.Write(await output);
            log.Write(await errors);
            return false;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    private static async Task<FileStream> LockFileAsync(string path, CancellationToken cancel)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancel);    // another process builds this project now
            }
        }
    }

    /// <summary>The repository root above <paramref name="start"/> (the folder holding TransformerCourse.sln or .git),
    /// or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = Path.GetFullPath(start); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "TransformerCourse.sln")) || Path.Exists(Path.Combine(dir,
                ".git"))) return dir;
        }
        return null;
    }

    [GeneratedRegex("""^#r\s+"(?!nuget:)([^"]+\.dll)"\s*$""")]
    private static partial Regex DllLine();
}
