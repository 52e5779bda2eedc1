using Spectre.Console;
using TransformerCourse.Notebooks;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course check &lt;notebook&gt;</c>: runs a learner's notebook (going on past failed cells, so every exercise is
/// scored) and prints a scoreboard: each exercise passed, or failed with the check's message. Exit code 1 if any
/// exercise did not pass.
/// </summary>
public sealed class CheckCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "check";

    /// <inheritdoc />
    public string Usage =>
        "check <notebook.ipynb>... [--solutions] [--quiet] [--cell-timeout SECONDS] [--nuget-config FILE]" +
        "   run a learner's notebook and score its exercises";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow("--solutions", "--quiet", "-q", "--cell-timeout SECONDS", "--nuget-config FILE");
        var notebooks = NotebookFiles.Expand(args.Positionals);
        var quiet = args.Flags.Contains("--quiet") || args.Flags.Contains("-q");
        var timeout = NotebookFiles.CellTimeout(args);
        var restorer = PackageRestorer.WithConfig(args.Options.GetValueOrDefault("--nuget-config"));
        if (!await ReferencedProjects.EnsureBuiltAsync(notebooks, console.Profile.Out.Writer, cancel)) return 1;

        var allPassed = true;
        foreach (var path in notebooks)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(NotebookFiles.Display(path))}[/]").LeftJustified());
            var result = await NotebookRunner.RunAsync(path, new RunOptions
            {
                UseSolutions = args.Flags.Contains("--solutions"),
                ContinueOnError = true,
                Restorer = restorer,
                CellTimeout = timeout,
                Echo = quiet ? null : console.Profile.Out.Writer,
            }, cancel);
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
            allPassed &= board.Count > 0 && board.All(e => e.Passed);
        }
        return allPassed ? 0 : 1;
    }

    private static void Render(IAnsiConsole console, string path, IReadOnlyList<CheckOutcome> board)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(Path.GetFileName(path))}: exercises[/]");
        table.AddColumn("exercise");
        table.AddColumn("result");
        table.AddColumn("message");
        foreach (var e in board)
            table.AddRow(Markup.Escape(e.Exercise), e.Passed ? "[green]✔ passed[/]" : "[red]✘ failed[/]", Markup.Escape(e.Message));
        console.Write(table);
        console.MarkupLineInterpolated($"{board.Count(e => e.Passed)} of {board.Count} exercises passed");
    }
}
