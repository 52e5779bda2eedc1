using Spectre.Console;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course check &lt;notebook&gt;</c>: runs a learner's notebook (going on past failed cells, so every exercise is
/// scored) against the course's own copy (<see cref="ShippedNotebook"/> or <c>--reference FILE</c>): the exercise
/// list and the check cells come from that copy, and missing, renamed or edited checks count as not passed. Prints a
/// scoreboard: each exercise passed, or failed with the check's message. Exit code 1 if any exercise did not pass.
/// </summary>
public sealed class CheckCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "check";

    /// <inheritdoc />
    public string Usage =>
        "check <notebook.ipynb>... [--reference FILE] [--solutions] [--quiet] [--cell-timeout SECONDS] " +
        "[--nuget-config FILE]   score a learner's notebook against the course's own copy";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow("--solutions", "--quiet", "-q", "--cell-timeout SECONDS", "--nuget-config FILE",
            "--reference FILE");
        var notebooks = NotebookFiles.Expand(args.Positionals);
        var quiet = args.Flags.Contains("--quiet") || args.Flags.Contains("-q");
        var timeout = NotebookFiles.CellTimeout(args);
        var nugetConfig = NotebookFiles.NuGetConfig(args);
        var reference = args.Options.GetValueOrDefault("--reference");
        if (reference is not null && notebooks.Count > 1)
            throw new UsageException("--reference names the course's copy of one notebook; give one notebook with it");
        if (reference is not null && !File.Exists(reference))
            throw new FileNotFoundException($"no such notebook to grade against (--reference): {reference}");
        var references = notebooks.ToDictionary(p => p, p => reference ?? ShippedNotebook(p));
        if (!await ReferencedProjects.EnsureBuiltAsync(notebooks, console.Profile.Out.Writer, cancel)) return 1;

        var allPassed = true;
        foreach (var path in notebooks)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(NotebookFiles.Display(path))}[/]").LeftJustified());
            var request = new NotebookRequest(path, args.Flags.Contains("--solutions"), ContinueOnError: true, timeout,
                nugetConfig, references[path], Echo: !quiet);
            var result = await NotebookProcess.RunAsync(request, console.Profile.Out.Writer, cancel);
            if (result.Interrupted || cancel.IsCancellationRequested)
            {
                console.Profile.Out.Writer.WriteLine($"✘ interrupted (Ctrl+C): {result.FailureMessage ?? path}");
                return CourseApp.InterruptedExitCode;
            }
            if (result.Problem is { } problem)
            {
                console.Profile.Out.Writer.WriteLine($"✘ {problem}");
                allPassed = false;
                continue;
            }
            var board = result.Scoreboard;
            Render(console, path, board);
            if (result.Cells.FirstOrDefault(c => c.TimedOut) is { } slow)
                console.Profile.Out.Writer.WriteLine($"✘ {result.Path}: {slow.Where}: {slow.Error}");
            if (result.FailureMessage is { } failure && failure.Contains("process ended", StringComparison.Ordinal))
                console.Profile.Out.Writer.WriteLine($"✘ {failure}");
            allPassed &= board.Count > 0 && board.All(e => e.Passed);
        }
        return allPassed ? 0 : 1;
    }

    /// <summary>
    /// The course's own copy of a notebook, graded against by default: the notebook of the same name in the
    /// <c>notebooks/</c> folder of the course this <c>course</c> command was built from.
    /// </summary>
    public static string ShippedNotebook(string notebook)
    {
        var root = ReferencedProjects.FindRepositoryRoot(AppContext.BaseDirectory);
        var folder = root is null ? null : Path.Combine(root, "notebooks");
        var shipped = folder is null ? null : Path.Combine(folder, Path.GetFileName(notebook));
        if (shipped is null || !File.Exists(shipped))
            throw new UsageException(
                $"{notebook}: no notebook of that name in the course's notebooks folder ({folder ?? "not found"}) " +
                "to grade against; name the course's copy with --reference FILE");
        return shipped;
    }

    private static void Render(IAnsiConsole console, string path, IReadOnlyList<CheckOutcome> board)
    {
        var table =
            new Table().Border(TableBorder.Rounded)
                .Title($"[bold]{Markup.Escape(Path.GetFileName(path))}: exercises[/]");
        table.AddColumn("exercise");
        table.AddColumn("result");
        table.AddColumn("message");
        foreach (var e in board)
            table.AddRow(Markup.Escape(e.Exercise), e.Passed ? "[green]✔ passed[/]" : "[red]✘ failed[/]",
                Markup.Escape(e.Message));
        console.Write(table);
        console.MarkupLineInterpolated($"{board.Count(e => e.Passed)} of {board.Count} exercises passed");
    }
}
