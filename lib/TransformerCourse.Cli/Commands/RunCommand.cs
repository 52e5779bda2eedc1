using System.Globalization;
using Spectre.Console;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course run &lt;notebook|folder&gt;…</c>: executes notebooks top to bottom, writes executed copies (outputs and
/// execution counts) to <c>out/notebooks/</c>, prints each cell's output and a summary. Exit code 1 if a cell or a
/// notebook failed — or, with <c>--solutions</c>, if an exercise check failed; 130 when interrupted (Ctrl+C).
/// </summary>
public sealed class RunCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "run";

    /// <inheritdoc />
    public string Usage =>
        "run <notebook.ipynb|folder>... [--solutions] [--out DIR] [--quiet] [--cell-timeout SECONDS] " +
        "[--nuget-config FILE]   execute notebooks, write executed copies, print a summary";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow("--solutions", "--out DIR", "-o DIR", "--quiet", "-q", "--cell-timeout SECONDS",
            "--nuget-config FILE");
        var notebooks = NotebookFiles.Expand(args.Positionals);
        var quiet = args.Flags.Contains("--quiet") || args.Flags.Contains("-q");
        var solutions = args.Flags.Contains("--solutions");
        var timeout = NotebookFiles.CellTimeout(args);
        var nugetConfig = NotebookFiles.NuGetConfig(args);
        var outFolder = args.Options.GetValueOrDefault("--out");
        // Never over an input: --out in a notebook's own folder would replace the learner's notebook (and its answers).
        foreach (var path in notebooks)
        {
            if (Path.GetFullPath(NotebookFiles.OutputPath(path, outFolder)) == Path.GetFullPath(path))
                throw new UsageException(
                    $"--out {outFolder}: the executed copy of {path} would replace the notebook itself; choose " +
                    "another folder");
        }
        if (!await ReferencedProjects.EnsureBuiltAsync(notebooks, console.Profile.Out.Writer, cancel)) return 1;

        var results = new List<NotebookRunResult>();
        var writeFailed = false;
        foreach (var path in notebooks)
        {
            if (cancel.IsCancellationRequested) break;
            var title = $"[bold]{Markup.Escape(NotebookFiles.Display(path))}[/]" +
                        (solutions ? " (reference solutions swapped in)" : "");
            console.Write(new Rule(title).LeftJustified());
            var request = new NotebookRequest(path, solutions, ContinueOnError: false, timeout, nugetConfig,
                ReferencePath: null, Echo: !quiet);
            var result = await NotebookProcess.RunAsync(request, console.Profile.Out.Writer, cancel);
            // Written as far as it ran, also after a timeout or Ctrl+C; whole or not at all.
            string? written = null;
            string? notWritten = null;
            if (result.Executed is { } executed)
            {
                written = NotebookFiles.OutputPath(path, outFolder);
                try
                {
                    executed.Save(written);
                }
                catch (IOException e)
                {
                    (written, notWritten) = (null, e.Message);
                }
            }
            results.Add(result);
            Reports.Summary(console, result, written);
            if (notWritten is not null)
            {
                console.Profile.Out.Writer.WriteLine($"✘ the executed notebook was not written: {notWritten}");
                writeFailed = true;
            }
            if (result.Interrupted) break;
        }
        if (results.Count > 1) Reports.Totals(console, results);
        if (cancel.IsCancellationRequested)
        {
            console.Profile.Out.Writer.WriteLine(
                $"✘ interrupted (Ctrl+C): {results.Count} of {notebooks.Count} notebooks run, " +
                $"{results.Count(r => !r.Succeeded)} failed or interrupted; the executed notebooks so far are written");
            return CourseApp.InterruptedExitCode;
        }

        var failed = writeFailed || results.Any(r => !r.Succeeded) || (solutions && results.Any(r => r.Checks.Any(c =>
            !c.Passed)));
        return failed ? 1 : 0;
    }
}

/// <summary>Finding notebooks and where executed copies go.</summary>
public static class NotebookFiles
{
    /// <summary>Notebook paths from arguments: files as given, folders as their <c>*.ipynb</c> files by name.</summary>
    public static IReadOnlyList<string> Expand(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("give a notebook or a folder of notebooks");
        var result = new List<string>();
        foreach (var a in args)
        {
            if (Directory.Exists(a))
                result.AddRange(Directory.EnumerateFiles(a, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(a))
                result.Add(a);
            else
                throw new FileNotFoundException($"no such notebook or folder: {a}");
        }
        if (result.Count == 0) throw new FileNotFoundException($"no .ipynb notebooks in {string.Join(", ", args)}");
        return result;
    }

    /// <summary>The folder executed notebooks go to: <paramref name="requested"/>, else <c>out/notebooks</c> in the
    /// repository (or here).</summary>
    public static string OutputFolder(string notebookPath, string? requested, string kind = "notebooks") =>
        requested ?? Path.Combine(
            ReferencedProjects.FindRepositoryRoot(Path.GetDirectoryName(Path.GetFullPath(notebookPath))!)
                ?? Directory.GetCurrentDirectory(),
            "out", kind);

    /// <summary>Where the executed copy of <paramref name="notebookPath"/> is written.</summary>
    public static string OutputPath(string notebookPath, string? requested) =>
        Path.Combine(OutputFolder(notebookPath, requested), Path.GetFileName(notebookPath));

    /// <summary>
    /// <c>--cell-timeout SECONDS</c>: how long one cell may run in seconds (default
    /// <see cref="RunOptions.DefaultCellTimeout"/>, 0 for no limit); NaN, ∞ and negative numbers are refused.
    /// </summary>
    public static double CellTimeout(CommandArgs args)
    {
        if (!args.Options.TryGetValue("--cell-timeout",
            out var text)) return RunOptions.DefaultCellTimeout.TotalSeconds;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || seconds < 0 || seconds > int.MaxValue / 1000.0)
            throw new UsageException($"--cell-timeout needs a number of seconds (0 for no limit), got '{text}'");
        return seconds;
    }

    /// <summary>
    /// <c>--nuget-config FILE</c>, checked before anything runs: a missing file or one that is not XML is a usage
    /// error naming the file (and the line), not a restore failure that skips cells later.
    /// </summary>
    public static string? NuGetConfig(CommandArgs args)
    {
        if (!args.Options.TryGetValue("--nuget-config", out var file)) return null;
        if (!File.Exists(file)) throw new UsageException($"--nuget-config {file}: no such file");
        try
        {
            System.Xml.Linq.XDocument.Load(file);
        }
        catch (System.Xml.XmlException e)
        {
            throw new UsageException($"--nuget-config {file}: not valid XML: {e.Message}");
        }
        return file;
    }

    /// <summary>A path as shown to people: relative to the current folder when inside it.</summary>
    public static string Display(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
