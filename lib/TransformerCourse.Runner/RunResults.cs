namespace TransformerCourse.Runner;

/// <summary>What happened to one cell.</summary>
public enum CellStatus
{
    /// <summary>A markdown or raw cell: nothing to run.</summary>
    Text,
    /// <summary>C# code ran without error.</summary>
    Ran,
    /// <summary>The cell belongs to another kernel (F#, PowerShell, markdown via <c>#!markdown</c>, …) and was passed
    /// over.</summary>
    SkippedOtherKernel,
    /// <summary>The cell needs a package that could not be restored on this machine.</summary>
    SkippedMissingPackage,
    /// <summary>The cell failed: a directive error, a compile error or an exception.</summary>
    Failed,
    /// <summary>The cell was not reached because an earlier cell failed, timed out or was interrupted.</summary>
    NotRun,
    /// <summary>The run was interrupted (Ctrl+C) while this cell was running.</summary>
    Interrupted,
}

/// <summary>One cell's outcome.</summary>
public sealed record CellResult
{
    /// <summary>1-based position among all cells, markdown included.</summary>
    public required int Number { get; init; }

    /// <summary>How messages name the cell: <c>code cell 2 (cell 5 of 17)</c> (see <see cref="CellNames"/>).</summary>
    public string Name { get; init; } = "";

    /// <summary>The cell's first non-blank line, shortened: what to search for in the editor.</summary>
    public string FirstLine { get; init; } = "";

    /// <summary><see cref="Name"/> and the quoted <see cref="FirstLine"/>.</summary>
    public string Label => CellNames.Label(Name, FirstLine);

    /// <summary>What happened.</summary>
    public required CellStatus Status { get; init; }

    /// <summary>Seconds spent on the cell (restore, compile and run).</summary>
    public double Seconds { get; init; }

    /// <summary>The kernel the cell belongs to.</summary>
    public string Kernel { get; init; } = "";

    /// <summary>For a failure: the message (compiler diagnostics or <c>ExceptionType: message</c>).</summary>
    public string? Error { get; init; }

    /// <summary>True when the cell failed because it ran longer than <see cref="RunOptions.CellTimeout"/>.</summary>
    public bool TimedOut { get; init; }

    /// <summary>For a failure: 1-based line in the cell, when known.</summary>
    public int? Line { get; init; }

    /// <summary>For a failure: 1-based column in the cell, when known.</summary>
    public int? Column { get; init; }

    /// <summary>For <see cref="CellStatus.SkippedMissingPackage"/>: the packages it needs.</summary>
    public IReadOnlyList<string> MissingPackages { get; init; } = [];

    /// <summary>
    /// For the cell whose <c>#r "nuget:"</c> could not be restored: why, e.g. <c>no source has package X (check the
    /// name and version)</c> or <c>the package source(s) could not be reached (offline?): …</c>.
    /// </summary>
    public string? RestoreProblem { get; init; }

    /// <summary>Exercise id when this is an exercise stub cell.</summary>
    public string? Exercise { get; init; }

    /// <summary>Exercise id when this is a check cell.</summary>
    public string? Check { get; init; }

    /// <summary>The plain text the cell showed.</summary>
    public string Output { get; init; } = "";

    /// <summary><c>line 3, column 5</c> in the cell (as much as is known), or empty.</summary>
    public string Position =>
        Line is { } l ? $"line {l}{(Column is { } c ? $", column {c}" : "")}" : "";

    /// <summary>
    /// The cell and the place in it, as every message gives it:
    /// <c>code cell 2 (cell 5 of 17) "var y = Softmax(x);", line 3, column 5</c>.
    /// </summary>
    public string Where => Position.Length == 0 ? Label : $"{Label}, {Position}";
}

/// <summary>One exercise's verdict: from its check cell (one per <c>Check</c> call), or why it has none.</summary>
/// <param name="Exercise">Exercise id.</param>
/// <param name="Passed">Whether the exercise passed.</param>
/// <param name="Message">What the check printed after ✔/✘ (or why the check did not run).</param>
public sealed record CheckOutcome(string Exercise, bool Passed, string Message);

/// <summary>The outcome of running one notebook.</summary>
public sealed class NotebookRunResult
{
    /// <summary>The notebook's path.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// The notebook with outputs and execution counts filled in; null when it was not run (<see cref="Problem"/>).
    /// </summary>
    public required NotebookDocument? Executed { get; init; }

    /// <summary>
    /// Why no cell of the notebook ran, naming the file: it is not valid JSON (with line and column), not
    /// nbformat 4, has a malformed cell (naming it), or is not a C# notebook. Null when it ran.
    /// </summary>
    public string? Problem { get; init; }

    /// <summary>Every cell's outcome, in order.</summary>
    public required IReadOnlyList<CellResult> Cells { get; init; }

    /// <summary>Verdicts of the check cells in the order they ran: one per <c>Check</c> call (per exercise).</summary>
    public required IReadOnlyList<CheckOutcome> Checks { get; init; }

    /// <summary>Exercise ids found in stub cells, in order (graded against the course's notebook: its ids).</summary>
    public required IReadOnlyList<string> Exercises { get; init; }

    /// <summary>
    /// Checks graded as not passed whatever they printed: missing, renamed or edited check cells (see
    /// <see cref="RunOptions.ReferencePath"/>).
    /// </summary>
    public IReadOnlyList<CheckOutcome> CheckProblems { get; init; } = [];

    /// <summary>
    /// One row per exercise (ids of stub cells, then of checks without a stub): it passed when every verdict for it
    /// passed, else it shows its first failed verdict; an exercise whose check never ran fails with the reason.
    /// <c>course run</c>'s summary and <c>course check</c>'s scoreboard both count these.
    /// </summary>
    public IReadOnlyList<CheckOutcome> Scoreboard =>
        Exercises.Concat(Checks.Select(c => c.Exercise)).Concat(CheckProblems.Select(c => c.Exercise)).Distinct()
            .Select(id =>
        {
            if (CheckProblems.FirstOrDefault(c => c.Exercise == id) is { } problem) return problem;
            var verdicts = Checks.Where(c => c.Exercise == id).ToList();
            if (verdicts.Count > 0) return verdicts.FirstOrDefault(c => !c.Passed) ?? verdicts[^1];
            var stub = Cells.FirstOrDefault(c => c.Exercise == id);
            var check = Cells.FirstOrDefault(c => c.Check == id);
            var why = stub is { Status: CellStatus.Failed }
                ? $"the exercise cell failed: {stub.Where}: {FirstOf(stub.Error)}"
                : check is null ? $"no check cell (// Check {id}) in the notebook"
                : check.Status == CellStatus.Failed ? $"the check cell failed: {check.Where}: {FirstOf(check.Error)}"
                : $"the check did not run ({check.Label}: {Describe(check.Status)})";
            return new CheckOutcome(id, false, why);
        }).ToList();

    /// <summary>Packages that could not be restored.</summary>
    public IReadOnlyList<string> MissingPackages => Cells.SelectMany(c =>
        c.MissingPackages).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Why the missing packages could not be restored, one sentence each.</summary>
    public IReadOnlyList<string> RestoreProblems =>
        Cells.Select(c => c.RestoreProblem).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The first failed (or interrupted) cell, if any.</summary>
    public CellResult? FirstFailure =>
        Cells.FirstOrDefault(c => c.Status is CellStatus.Failed or CellStatus.Interrupted);

    /// <summary>True when the run was interrupted (Ctrl+C) in this notebook.</summary>
    public bool Interrupted => Cells.Any(c => c.Status == CellStatus.Interrupted);

    /// <summary>True when the notebook could be run, no cell failed and the run was not interrupted.</summary>
    public bool Succeeded => Problem is null && FirstFailure is null;

    /// <summary>Number of cells with the given status.</summary>
    public int Count(CellStatus status) => Cells.Count(c => c.Status == status);

    /// <summary>
    /// The failure as one line:
    /// <c>notebooks/x.ipynb: code cell 2 (cell 4 of 9) "int x = …", line 2, column 9: message</c>.
    /// </summary>
    public string? FailureMessage => Problem ?? (FirstFailure is { } f ? $"{Path}: {f.Where}: {f.Error}" : null);

    /// <summary>The result for a notebook that could not be run at all.</summary>
    public static NotebookRunResult NotRunnable(string path, string problem) =>
        new() { Path = path, Executed = null, Problem = problem, Cells = [], Checks = [], Exercises = [] };

    private static string FirstOf(string? text) => (text ?? "").Split('\n')[0];

    private static string Describe(CellStatus status) => status switch
    {
        CellStatus.NotRun => "not run, an earlier cell failed or the run was stopped",
        CellStatus.Interrupted => "interrupted",
        CellStatus.SkippedMissingPackage => "skipped, it needs a package that could not be restored",
        CellStatus.SkippedOtherKernel => "skipped, not a C# cell",
        _ => status.ToString(),
    };
}
