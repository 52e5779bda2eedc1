using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.CodeAnalysis.Scripting.Hosting;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Runner;

/// <summary>How to run a notebook.</summary>
public sealed class RunOptions
{
    /// <summary>Swap each exercise stub for its reference solution from <c>solutions/&lt;name&gt;.csx</c>.</summary>
    public bool UseSolutions { get; init; }

    /// <summary>Solutions to swap in instead of the file (exercise id → replacement cell source).</summary>
    public IReadOnlyDictionary<string, string>? Solutions { get; init; }

    /// <summary>
    /// Keep going after a failed cell (as a person clicking "run all" in the kernel would not; <c>course check</c>
    /// does). A cell that timed out or was interrupted stops its notebook even so.
    /// </summary>
    public bool ContinueOnError { get; init; }

    /// <summary>The default <see cref="CellTimeout"/>: 10 minutes.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(600);

    /// <summary>
    /// How long one cell's code may run (not counting its package restore and compilation). A cell still running
    /// then fails, the rest of its notebook is not run, and the cell's thread is abandoned (see
    /// <see cref="NotebookRunner"/>). <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>The package restorer; default <see cref="PackageRestorer.Shared"/>.</summary>
    public PackageRestorer? Restorer { get; init; }

    /// <summary>Receives every cell's plain-text output live (e.g. the console), or null.</summary>
    public TextWriter? Echo { get; init; }

    /// <summary>Called before a code cell runs.</summary>
    public Action<NotebookCell>? CellStarting { get; init; }

    /// <summary>Called after each cell.</summary>
    public Action<CellResult>? CellCompleted { get; init; }

    /// <summary>Called with the notebook once it is loaded (the executed copy fills in as cells finish).</summary>
    public Action<NotebookDocument>? Loaded { get; init; }

    /// <summary>
    /// The course's own notebook to grade against (<c>course check</c>), nbgrader-style: the exercise list comes
    /// from it, and every check cell (matched by the id on its <c>// Check &lt;id&gt;</c> line) is put back to its
    /// text before it runs. A check that is missing, renamed or edited is reported in
    /// <see cref="NotebookRunResult.CheckProblems"/> and counts as not passed. Null: the notebook's own cells.
    /// </summary>
    public string? ReferencePath { get; init; }
}

/// <summary>
/// Runs the C# cells of a Polyglot notebook in order in one continuing Roslyn script state, as the .NET Interactive
/// C# kernel does (same default imports, C# 12, <c>#r</c>/<c>#i</c>/<c>#load</c>, <c>#!time</c>, trailing-expression
/// results, <c>display</c>), and records every cell's outputs as nbformat outputs.
/// </summary>
/// <remarks>
/// Each cell's code runs on a thread of its own, so that a cell that never ends (<c>while (true) { }</c>) cannot
/// hold the runner: after <see cref="RunOptions.CellTimeout"/>, or when the cancellation token fires (Ctrl+C), the
/// runner stops waiting, fails or marks the cell, drops whatever that thread writes later, and returns. .NET cannot
/// abort a thread, so the abandoned one is a background thread that ends with the process (the <c>course</c>
/// command exits when its run is over).
/// </remarks>
public static class NotebookRunner
{
    /// <summary>The <see cref="AppDomain"/> slot the check API (TransformerCourse.Checks.Check.SinkKey) reports
    /// to.</summary>
    public const string CheckSinkKey = "TransformerCourse.Checks.Sink";

    /// <summary>The imports the C# kernel starts with.</summary>
    public static readonly ImmutableArray<string> DefaultImports =
        ["System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks",
            "System.Linq"];

    private const string Prelude = "using static TransformerCourse.Runner.Scripting.NotebookKernel;";
    private static readonly AsyncLocal<List<CheckOutcome>?> checks = new();
    // The exercise id of the check cell running on this flow, set by the runner; verdicts count only for it.
    private static readonly AsyncLocal<string?> runningCheck = new();
    private static readonly Action<string, bool, string> sink = (exercise, passed, message) =>
    {
        var list = checks.Value;
        if (list is null || runningCheck.Value != exercise) return;
        lock (list) list.Add(new CheckOutcome(exercise, passed, message));
    };
    private static readonly CSharpParseOptions parseOptions = new(LanguageVersion.CSharp12,
        kind: SourceCodeKind.Script);

    static NotebookRunner()
    {
        ConsoleRouter.Install();
        NativeLibraries.Install();
        AppDomain.CurrentDomain.SetData(CheckSinkKey, sink);
    }

    /// <summary>Runs a notebook and returns every cell's outcome and the executed notebook.</summary>
    /// <remarks>
    /// One notebook runs at a time in a process: a notebook changes process-wide state (registered formatters,
    /// MathNet's provider), which <see cref="ProcessState.Reset"/> puts back before the next one, as a fresh kernel
    /// would have it. Calls from several threads therefore wait for each other.
    /// </remarks>
    public static async Task<NotebookRunResult> RunAsync(string path, RunOptions? options = null,
        CancellationToken cancel = default)
    {
        await oneAtATime.WaitAsync(cancel);
        try
        {
            return await RunOneAsync(path, options, cancel);
        }
        finally
        {
            oneAtATime.Release();
        }
    }

    private static readonly SemaphoreSlim oneAtATime = new(1, 1);

    private static async Task<NotebookRunResult> RunOneAsync(string path, RunOptions? options, CancellationToken cancel)
    {
        options ??= new RunOptions();
        NotebookDocument notebook;
        try
        {
            notebook = NotebookDocument.Load(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // One unreadable notebook fails by itself; a folder's other notebooks still run.
            return NotebookRunResult.NotRunnable(path,
                e is InvalidDataException ? e.Message : $"{path}: cannot be read: {e.Message}");
        }
        if (notebook.NotCSharp is { } notCSharp) return NotebookRunResult.NotRunnable(path, notCSharp);
        Dictionary<string, string>? referenceChecks = null;
        IReadOnlyList<string>? referenceExercises = null;
        if (options.ReferencePath is { } referencePath)
        {
            try
            {
                var reference = NotebookDocument.Load(referencePath);
                referenceChecks = ReferenceChecks(reference);
                referenceExercises = ReferenceExercises(reference);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                return NotebookRunResult.NotRunnable(path,
                    $"the course's notebook to grade against cannot be read: {referencePath}: {e.Message}");
            }
        }
        var checkProblems = new List<CheckOutcome>();
        var checksSeen = new HashSet<string>(StringComparer.Ordinal);
        options.Loaded?.Invoke(notebook);
        var solutions = options.Solutions ?? (options.UseSolutions ? LoadSolutionsFor(path) : null);
        var restorer = options.Restorer ?? PackageRestorer.Shared;
        var echo = options.Echo is null ? null : ConsoleRouter.Unwrap(options.Echo);
        var recorded = new List<CheckOutcome>();
        ProcessState.Reset();

        var scriptOptions = ScriptOptions.Default
            .WithLanguageVersion(LanguageVersion.CSharp12)
            .WithImports(DefaultImports)
            .AddReferences(typeof(NotebookKernel).Assembly)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(Encoding.UTF8)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(notebook.Directory))
            .WithSourceResolver(new SourceFileResolver(ImmutableArray<string>.Empty, notebook.Directory));

        using var loader = new InteractiveAssemblyLoader();
        var timeout = options.CellTimeout;
        ScriptState<object> state = await CSharpScript.Create(Prelude, scriptOptions,
            assemblyLoader: loader).RunAsync(cancellationToken: cancel);

        var tracker = new MissingPackageTracker();
        var packages = new List<PackageRef>();
        var sources = new List<string>();
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var results = new List<CellResult>();
        var exercises = new List<string>();
        var executionCount = 0;
        var stopped = false;

        foreach (var cell in notebook.Cells)
        {
            if (cell.CellType != "code")
            {
                results.Add(new CellResult
                {
                    Number = cell.Number, Name = cell.Name, FirstLine = cell.FirstLine, Status = CellStatus.Text,
                    Kernel = cell.CellType,
                });
                continue;
            }
            var source = cell.Source;
            var exercise = Exercises.StubId(source);
            if (exercise is not null) exercises.Add(exercise);
            var checkId = Exercises.CheckId(source);
            if (checkId is not null && referenceChecks is not null)
            {
                checksSeen.Add(checkId);
                if (!referenceChecks.TryGetValue(checkId, out var shipped))
                {
                    checkProblems.Add(new CheckOutcome(checkId, false,
                        $"the check cell \"// Check {checkId}\" ({cell.Name}) is not in the course's notebook " +
                        "(renamed or added); it ran as the learner's code and its verdicts do not count"));
                    checkId = null;
                }
                else if (Normalized(source) != Normalized(shipped))
                {
                    checkProblems.Add(new CheckOutcome(checkId, false,
                        $"the check cell ({cell.Name}) was edited; it was put back as shipped and run, but an edited " +
                        "check counts as not passed"));
                    source = shipped;
                    cell.Source = shipped;
                }
            }
            var result = new CellResult
            {
                Number = cell.Number, Name = cell.Name, FirstLine = cell.FirstLine, Status = CellStatus.NotRun,
                Kernel = CellParser.Canonical(cell.KernelName), Exercise = exercise, Check = checkId,
            };
            if (stopped)
            {
                Finish(result);
                continue;
            }

            if (exercise is not null && solutions is not null)
            {
                if (!solutions.TryGetValue(exercise, out var solution))
                {
                    Finish(result with { Status = CellStatus.Failed, Error =
                        $"no reference solution for exercise {exercise} in {Exercises.SolutionsPath(path)}" });
                    continue;
                }
                source = solution;
                cell.Source = solution;
            }

            var parsed = CellParser.Parse(source, cell.KernelName);
            if (parsed.Errors.Count > 0)
            {
                var first = parsed.Errors[0];
                var outputs = new CellOutputs(echo);
                outputs.Error("DirectiveError", first.Message, parsed.Errors.Select(e =>
                    $"line {e.Line}: {e.Message}"));
                cell.SetOutputs(outputs.ToJson(), null);
                Finish(result with { Status = CellStatus.Failed, Line = first.Line, Error = first.Message, Output =
                    outputs.Text });
                continue;
            }
            if (!parsed.HasCSharp)
            {
                cell.SetOutputs([], null);
                Finish(result with { Status = CellStatus.SkippedOtherKernel, Kernel =
                    parsed.OtherKernels.FirstOrDefault().Kernel ?? result.Kernel });
                continue;
            }

            options.CellStarting?.Invoke(cell);
            var clock = Stopwatch.StartNew();
            var cellOutputs = new CellOutputs(echo);
            CellOutputs.Current = cellOutputs;
            // Verdicts count only while a check cell runs, only for its own exercise and only when the cell ends
            // normally; the sink is put back first, whatever an earlier cell put in its slot.
            runningCheck.Value = checkId;
            var cellVerdicts = new List<CheckOutcome>();
            checks.Value = cellVerdicts;
            if (checkId is not null) AppDomain.CurrentDomain.SetData(CheckSinkKey, sink);
            int? count = null;
            try
            {
                result = await RunCellAsync();
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                var message = $"interrupted (Ctrl+C) after {clock.Elapsed.TotalSeconds:0.0} s";
                cellOutputs.Error("OperationCanceledException", message, [message]);
                cellOutputs.Close();
                result = result with { Status = CellStatus.Interrupted, Error = message };
            }
            finally
            {
                CellOutputs.Current = null;
                runningCheck.Value = null;
                checks.Value = null;
            }
            if (result.Status == CellStatus.Ran && checkId is not null)
            {
                lock (cellVerdicts) recorded.AddRange(cellVerdicts);
            }
            if (parsed.Time && result.Status == CellStatus.Ran)
                cellOutputs.Display([("text/plain", $"Wall time: {clock.Elapsed.TotalMilliseconds}ms")]);
            cell.SetOutputs(cellOutputs.ToJson(), count);
            Finish(result with { Seconds = clock.Elapsed.TotalSeconds, Output = cellOutputs.Text });

            async Task<CellResult> RunCellAsync()
            {
                // 1. Packages: #r "nuget:" restores everything asked for so far, together (as the kernel does).
                foreach (var p in parsed.Packages)
                {
                    var earlier = packages.FirstOrDefault(q => q.Name.Equals(p.Name,
                        StringComparison.OrdinalIgnoreCase));
                    if (earlier is not null && p.Version is not ("" or "*" or "*-*")
                        && !p.Version.Equals(earlier.Version, StringComparison.OrdinalIgnoreCase))
                        return Fail(result,
                            $"{p.Name} version {p.Version} cannot be added because version {earlier.Version} was " +
                                $"added previously.");
                }
                var newPackages = parsed.Packages.Where(p => !packages.Any(q => q.Name.Equals(p.Name,
                    StringComparison.OrdinalIgnoreCase))).ToList();
                var newSources = parsed.Sources.Where(s => !sources.Contains(s)).ToList();
                if (newPackages.Count > 0 || newSources.Count > 0)
                {
                    var restored = await restorer.RestoreAsync([.. packages, .. newPackages], [.. sources,
                        .. newSources], cancel);
                    if (!restored.Succeeded)
                    {
                        // Blame the packages this cell added (the earlier ones restored before), unless
                        // NuGet named others.
                        var names = restored.MissingPackages
                            .Where(n => newPackages.Any(p => p.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
                            .ToList();
                        if (names.Count == 0)
                        {
                            names = newPackages.Count > 0
                                ? newPackages.ConvertAll(p => p.Name)
                                : [.. restored.MissingPackages];
                        }
                        tracker.AddMissingPackages(names);
                        tracker.AddSkippedCell(parsed.CSharpCode, parseOptions);
                        Console.Error.WriteLine(
                            $"Package {string.Join(", ", names)} could not be restored: {restored.Problem}. " +
                            "The cells that need it are skipped.");
                        return result with
                        {
                            Status = CellStatus.SkippedMissingPackage, MissingPackages = names,
                            RestoreProblem = restored.Problem,
                        };
                    }
                    packages.AddRange(newPackages);
                    sources.AddRange(newSources);
                    NativeLibraries.Add(restored.NativeLibraryPaths);
                    var added = restored.AssemblyPaths.Where(referenced.Add).Select(p =>
                        MetadataReference.CreateFromFile(p)).ToList();
                    scriptOptions = scriptOptions.AddReferences(added);
                    // The kernel shows the packages a cell installed as this HTML list (not as console output).
                    if (newPackages.Count > 0)
                        CellOutputs.Current?.Display([("text/html",
                            "<div><div></div><div></div><div><strong>Installed Packages</strong><ul>" +
                            string.Concat(newPackages.Select(p => p.ToString()).Order(StringComparer.OrdinalIgnoreCase)
                                .Select(p => $"<li><span>{System.Net.WebUtility.HtmlEncode(p)}</span></li>")) +
                            "</ul></div></div>")]);
                }
                if (string.IsNullOrWhiteSpace(parsed.CSharpCode)) return result with { Status = CellStatus.Ran };

                // 2. Compile as the next submission.
                var cellFile = Path.Combine(notebook.Directory, $"{Path.GetFileName(path)}.cell{cell.Number}.csx");
                var script = state.Script.ContinueWith(parsed.CSharpCode, scriptOptions.WithFilePath(cellFile));
                var errors = script.Compile(cancel).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
                if (errors.Count > 0)
                {
                    if (tracker.Explains(errors))
                    {
                        tracker.AddSkippedCell(parsed.CSharpCode, parseOptions);
                        Console.Error.WriteLine($"Skipped: this cell needs {string.Join(", ",
                            tracker.Missing)}, which could not be restored here.");
                        return result with { Status = CellStatus.SkippedMissingPackage, MissingPackages =
                            tracker.Missing.ToList() };
                    }
                    var message = string.Join("\n", errors.Select((d, i) => Describe(d, cellFile, withPlace: i > 0)));
                    var at = errors[0].Location.GetLineSpan();
                    cellOutputs.Error("CompilationError", message, errors.Select(d => Describe(d, cellFile)));
                    return result with
                    {
                        Status = CellStatus.Failed, Error = message,
                        Line = at.Path == cellFile ? at.StartLinePosition.Line + 1 : null,
                        Column = at.Path == cellFile ? at.StartLinePosition.Character + 1 : null,
                    };
                }

                // 3. Run it on its own thread, continuing the script state; stop waiting at the timeout or Ctrl+C.
                count = ++executionCount;
                var running = RunOnOwnThread(script, state);
                ScriptState<object> next;
                try
                {
                    next = await running.WaitAsync(timeout, cancel);
                }
                catch (TimeoutException) when (!running.IsCompleted)
                {
                    var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
                    var message = $"did not finish within the cell timeout of {seconds} s (--cell-timeout), " +
                                  "so it was stopped and the rest of the notebook was not run";
                    cellOutputs.Error("TimeoutException", message, [message]);
                    cellOutputs.Close();     // whatever the abandoned thread writes from now on is dropped
                    return result with { Status = CellStatus.Failed, Error = message, TimedOut = true };
                }
                state = next;
                if (next.Exception is { } thrown)
                {
                    var e = Unwrap(thrown);
                    var (line, column) = FindPosition(e, cellFile);
                    var message = $"{e.GetType().FullName}: {e.Message}";
                    cellOutputs.Error(e.GetType().Name, e.Message, e.ToString().Split('\n'));
                    return result with { Status = CellStatus.Failed, Error = message, Line = line, Column = column };
                }
                if (HasReturnValue(script)) cellOutputs.Result(count.Value, OutputFormatter.Format(next.ReturnValue,
                    null));
                return result with { Status = CellStatus.Ran };
            }
        }

        if (referenceChecks is not null)
        {
            foreach (var id in referenceChecks.Keys.Where(id => !checksSeen.Contains(id)))
            {
                checkProblems.Add(new CheckOutcome(id, false,
                    $"the check cell \"// Check {id}\" is missing from the notebook (deleted or renamed); " +
                    "copy it back from the course's notebook"));
            }
        }
        return new NotebookRunResult
        {
            Path = path, Executed = notebook, Cells = results, Checks = recorded,
            Exercises = referenceExercises ?? exercises, CheckProblems = checkProblems,
        };

        void Finish(CellResult r)
        {
            results.Add(r);
            var stop = (r.Status == CellStatus.Failed && !options.ContinueOnError)
                       || r.TimedOut || r.Status == CellStatus.Interrupted;
            if (stop) stopped = true;
            options.CellCompleted?.Invoke(r);
        }
    }

    // Starts a submission on a new background thread (a big stack, as deep recursion in a cell should not be the
    // runner's problem); the task completes when the submission does, including any awaits inside it.
    private static Task<ScriptState<object>> RunOnOwnThread(Script<object> script, ScriptState<object> state)
    {
        var done = new TaskCompletionSource<ScriptState<object>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                script.RunFromAsync(state, _ => true, CancellationToken.None).ContinueWith(t =>
                {
                    if (t.IsCanceled) done.TrySetCanceled();
                    else if (t.Exception is { } e) done.TrySetException(e.InnerExceptions);
                    else done.TrySetResult(t.Result);
                }, TaskScheduler.Default);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }, maxStackSize: 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "notebook cell",
        };
        thread.Start();     // flows the execution context: the cell's CellOutputs.Current and check list go with it
        return done.Task;
    }

    // As the kernel does: Script.HasReturnValue() is internal; true when the submission ends in an expression with a
    // value.
    private static readonly MethodInfo? hasReturnValue = typeof(Script).GetMethod("HasReturnValue",
        BindingFlags.Instance | BindingFlags.NonPublic);

    private static bool HasReturnValue(Script script) =>
        hasReturnValue?.Invoke(script, null) as bool?
            ?? throw new MissingMethodException("Script.HasReturnValue is gone from this Roslyn version");

    /// <summary>The exercise ids of a course notebook: its stub cells', then its check cells' not among them.</summary>
    public static IReadOnlyList<string> ReferenceExercises(NotebookDocument reference) =>
        reference.Cells.Where(c => c.CellType == "code")
            .Select(c => Exercises.StubId(c.Source))
            .Concat(reference.Cells.Where(c => c.CellType == "code").Select(c => Exercises.CheckId(c.Source)))
            .OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    private static Dictionary<string, string> ReferenceChecks(NotebookDocument reference)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cell in reference.Cells.Where(c => c.CellType == "code"))
        {
            if (Exercises.CheckId(cell.Source) is { } id) result.TryAdd(id, cell.Source);
        }
        return result;
    }

    // Line endings and trailing spaces are not edits.
    private static string Normalized(string source) =>
        string.Join("\n", source.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim();

    private static IReadOnlyDictionary<string, string> LoadSolutionsFor(string notebookPath)
    {
        var file = Exercises.SolutionsPath(notebookPath);
        if (File.Exists(file)) return Exercises.LoadSolutions(file);
        return new Dictionary<string, string>();
    }

    private static CellResult Fail(CellResult result, string message)
    {
        CellOutputs.Current?.Error("Error", message, [message]);
        return result with { Status = CellStatus.Failed, Error = message };
    }

    // "line 2, column 9: error CS0029: …" in the cell, "path(2,9): error …" in a #load-ed file; without the place when
    // the message follows the cell's own "…, line 2, column 9:" (the first error of a failure).
    private static string Describe(Diagnostic d, string cellFile, bool withPlace = true)
    {
        var span = d.Location.GetLineSpan();
        var (line, column) = (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
        var inCell = span.Path == cellFile || !span.IsValid;
        var place = !withPlace && inCell ? ""
            : inCell ? $"line {line}, column {column}: "
            : $"{span.Path}({line},{column}): ";
        var text = $"{place}error {d.Id}: {d.GetMessage()}";
        if (d.Id == "CS0006")
            text += " (a #r path is relative to the notebook's folder; if it points into bin/, build that project " +
                    "first, e.g. dotnet build lib/TransformerCourse)";
        return text;
    }

    private static Exception Unwrap(Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Unwrap(a.InnerExceptions[0]),
        TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => e,
    };

    private static (int? Line, int? Column) FindPosition(Exception e, string cellFile)
    {
        foreach (var frame in new StackTrace(e, true).GetFrames())
        {
            if (frame.GetFileName() == cellFile && frame.GetFileLineNumber() > 0)
                return (frame.GetFileLineNumber(),
                    frame.GetFileColumnNumber() > 0 ? frame.GetFileColumnNumber() : null);
        }
        return (null, null);
    }
}
