using System.Globalization;
using Spectre.Console;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>The tables <c>course run</c> and <c>course check</c> print.</summary>
public static class Reports
{
    /// <summary>Per-cell table and one summary line for a notebook run.</summary>
    public static void Summary(IAnsiConsole console, NotebookRunResult result, string? writtenTo)
    {
        if (result.Problem is { } problem)
        {
            console.Profile.Out.Writer.WriteLine(Line(result));
            console.Profile.Out.Writer.WriteLine($"✘ {problem}");
            return;
        }
        var table =
            new Table().Border(TableBorder.Rounded)
                .Title($"[bold]{Markup.Escape(NotebookFiles.Display(result.Path))}[/]");
        table.AddColumn("code cell");
        table.AddColumn("first line");
        table.AddColumn("kernel");
        table.AddColumn("status");
        table.AddColumn(new TableColumn("seconds").RightAligned());
        table.AddColumn("note");
        foreach (var c in result.Cells.Where(c => c.Status != CellStatus.Text))
        {
            var note = c.Status switch
            {
                CellStatus.Failed or CellStatus.Interrupted =>
                    c.Position.Length == 0 ? FirstLine(c.Error) : $"{c.Position}: {FirstLine(c.Error)}",
                CellStatus.SkippedMissingPackage => $"needs {string.Join(", ", c.MissingPackages)}"
                                                    + (c.RestoreProblem is { } why ? $": {why}" : ""),
                _ when c.Exercise is not null => $"exercise {c.Exercise}",
                _ when c.Check is not null => CheckNote(result, c.Check),
                _ => "",
            };
            table.AddRow(
                Markup.Escape(c.Name.Replace("code cell ", "", StringComparison.Ordinal)),
                Markup.Escape(c.FirstLine),
                Markup.Escape(c.Kernel),
                Status(c.Status),
                c.Status is CellStatus.Ran or CellStatus.Failed or CellStatus.Interrupted
                    ? c.Seconds.ToString("0.00", CultureInfo.InvariantCulture)
                    : "",
                Markup.Escape(note));
        }
        console.Write(table);
        console.Profile.Out.Writer.WriteLine(Line(result));
        if (result.MissingPackages.Count > 0)
        {
            var names = string.Join(", ", result.MissingPackages);
            var why = string.Join("; ", result.RestoreProblems);
            const string skipped = "cells that need them were skipped";
            console.MarkupLineInterpolated(
                $"[yellow]packages not available on this machine: {names} ({skipped}): {why}[/]");
        }
        // Plain text, never wrapped: the failure line is what people and scripts grep for.
        if (result.FailureMessage is { } failure)
            console.Profile.Out.Writer.WriteLine($"✘ {failure}");
        if (writtenTo is not null)
            console.MarkupLineInterpolated($"[grey]executed notebook written to {NotebookFiles.Display(writtenTo)}[/]");
    }

    /// <summary>One line per notebook: counts of cells run, skipped and failed, checks and total seconds.</summary>
    public static string Line(NotebookRunResult r)
    {
        if (r.Problem is not null)
            return $"{Path.GetFileName(r.Path)}: not run (the notebook could not be read as a C# notebook)";
        var skipped = r.Count(CellStatus.SkippedOtherKernel) + r.Count(CellStatus.SkippedMissingPackage);
        var board = r.Scoreboard;
        var checks = board.Count == 0 ? "" : $"; exercises {board.Count(e => e.Passed)}/{board.Count} passed";
        var seconds = r.Cells.Sum(c => c.Seconds).ToString("0.0", CultureInfo.InvariantCulture);
        return $"{Path.GetFileName(r.Path)}: {r.Count(CellStatus.Ran)} cells run, {skipped} skipped " +
               $"({r.Count(CellStatus.SkippedMissingPackage)} for missing packages, " +
                   $"{r.Count(CellStatus.SkippedOtherKernel)} other kernels), " +
               $"{r.Count(CellStatus.Failed)} failed, {r.Count(CellStatus.NotRun)} not run{checks}; {seconds} s" +
               (r.Interrupted ? "; interrupted (Ctrl+C)" : "");
    }

    /// <summary>A table with one row per notebook.</summary>
    public static void Totals(IAnsiConsole console, IReadOnlyList<NotebookRunResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]all notebooks[/]");
        foreach (var h in new[] { "notebook", "run", "skipped", "failed", "exercises passed", "seconds" })
            table.AddColumn(h);
        foreach (var r in results)
        {
            if (r.Problem is not null)
            {
                table.AddRow(Markup.Escape(Path.GetFileName(r.Path)), "", "", "[red]not run[/]", "", "");
                continue;
            }
            table.AddRow(
                Markup.Escape(Path.GetFileName(r.Path)),
                r.Count(CellStatus.Ran).ToString(CultureInfo.InvariantCulture),
                (r.Count(CellStatus.SkippedOtherKernel) + r.Count(CellStatus.SkippedMissingPackage))
                    .ToString(CultureInfo.InvariantCulture),
                r.Succeeded ? "0" : $"[red]{r.Count(CellStatus.Failed) + r.Count(CellStatus.Interrupted)}[/]",
                r.Scoreboard is { Count: > 0 } board ? $"{board.Count(e => e.Passed)}/{board.Count}" : "",
                r.Cells.Sum(c => c.Seconds).ToString("0.0", CultureInfo.InvariantCulture));
        }
        console.Write(table);
        var failed = results.Count(r => !r.Succeeded);
        console.MarkupLineInterpolated($"{results.Count} notebooks, {failed} failed");
    }

    private static string CheckNote(NotebookRunResult result, string id) =>
        result.Scoreboard.FirstOrDefault(e => e.Exercise == id) is { } verdict
            ? $"check {id}: {(verdict.Passed ? "✔" : "✘")}"
            : $"check {id}";

    private static string Status(CellStatus s) => s switch
    {
        CellStatus.Ran => "[green]ran[/]",
        CellStatus.Failed => "[red]FAILED[/]",
        CellStatus.SkippedMissingPackage => "[yellow]skipped: missing package[/]",
        CellStatus.SkippedOtherKernel => "[grey]skipped: other kernel[/]",
        CellStatus.NotRun => "[grey]not run[/]",
        CellStatus.Interrupted => "[red]interrupted[/]",
        _ => s.ToString(),
    };

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0];
}
