using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>What a child process is asked to run: one notebook.</summary>
/// <param name="Notebook">The notebook's path.</param>
/// <param name="UseSolutions">Swap in the reference solutions.</param>
/// <param name="ContinueOnError">Go on past failed cells (<c>course check</c>).</param>
/// <param name="CellTimeoutSeconds">The cell timeout in seconds; 0 for none.</param>
/// <param name="NuGetConfig">A nuget.config for <c>#r "nuget:"</c>, or null.</param>
/// <param name="ReferencePath">The course's notebook to grade against, or null.</param>
/// <param name="Echo">Print each cell's output live.</param>
public sealed record NotebookRequest(
    string Notebook, bool UseSolutions, bool ContinueOnError, double CellTimeoutSeconds, string? NuGetConfig,
    string? ReferencePath, bool Echo)
{
    /// <summary>The folder the child writes its result to; sent on the child's standard input only.</summary>
    public string ResultFolder { get; init; } = "";
}

/// <summary>
/// Runs each notebook in a <c>course</c> process of its own, so that nothing a notebook does — a stack overflow,
/// <c>Environment.Exit</c>, a throwing background thread or <c>async void</c>, <c>Console.SetOut</c>,
/// <c>Directory.SetCurrentDirectory</c> — can stop or change the run of the others. The parent sends the request on
/// the child's standard input (never on its command line), echoes its output, and reads the result from a private
/// folder named only there; a child that ends before writing it is reported as "the process ended in this cell"
/// with the reason (stack overflow, <c>Environment.Exit</c>, an unhandled exception, a signal), and counts for
/// nothing in grading. Ctrl+C goes to the child as a line on its standard input; when the parent goes away the
/// child's standard input ends and it exits.
/// </summary>
public static class NotebookProcess
{
    /// <summary>The hidden subcommand a child process runs.</summary>
    public const string ChildCommand = "__notebook";

    private const string InterruptLine = "interrupt";
    private static readonly JsonSerializerOptions json = new() { WriteIndented = false };

    /// <summary>Runs one notebook in a child process; <paramref name="echo"/> receives its live output.</summary>
    public static async Task<NotebookRunResult> RunAsync(NotebookRequest request, TextWriter echo,
        CancellationToken cancel)
    {
        var folder = Directory.CreateTempSubdirectory("course-notebook-").FullName;
        try
        {
            var start = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
                UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
            };
            start.ArgumentList.Add("exec");
            if (ChildDependencies() is { } deps)
            {
                start.ArgumentList.Add("--depsfile");
                start.ArgumentList.Add(deps);
            }
            start.ArgumentList.Add(typeof(NotebookProcess).Assembly.Location);
            start.ArgumentList.Add(ChildCommand);
            // A 128 MB gen-0 budget: a training step's autograd graph (20–40 MB for notebooks 02–04) then dies young
            // instead of being copied to older generations by collections in the middle of the step (GC pauses per
            // GRU step 46 → 4 ms, bench/results/gru-profile.md). Numbers are unchanged; a value set by the user wins.
            if (Environment.GetEnvironmentVariable("DOTNET_GCgen0size") is null)
                start.Environment["DOTNET_GCgen0size"] = "0x8000000";
            using var process = Process.Start(start)
                ?? throw new InvalidOperationException("could not start a course process to run " + request.Notebook);
            process.StandardInput.AutoFlush = true;
            await process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(request with { ResultFolder = folder },
                json));
            var errors = new StringBuilder();
            var pumpOut = Pump(process.StandardOutput, echo, null);
            var pumpErr = Pump(process.StandardError, ConsoleRouter.OriginalError, errors);
            await using (cancel.Register(() => Send(process, InterruptLine)))
            {
                await process.WaitForExitAsync(CancellationToken.None);
            }
            await Task.WhenAll(pumpOut, pumpErr);
            return Read(request, folder, process.ExitCode, errors.ToString());
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a temporary folder left behind is harmless
            }
        }
    }

    /// <summary>
    /// The child's dependency manifest, <c>course.notebook.deps.json</c> beside course.dll: <c>course</c>'s own
    /// (course.deps.json) without the course's assemblies (every project it references but the runner); null if
    /// course.dll has no manifest or the folder is read-only. <c>course</c> references the library (its train command
    /// uses it), so its folder holds a TransformerCourse.dll of its own, and .NET binds a name to the application's
    /// assemblies before any other file: with course.deps.json, a cell's <c>typeof(Rng)</c> would come from that copy,
    /// not from the notebook's <c>#r "../lib/bin/TransformerCourse.dll"</c>, which the parent has just rebuilt.
    /// Without them the names fall through to the runner's <c>#r</c> resolution, as in the kernel, whose folder has
    /// no copy. (It lies beside course.dll because .NET looks for the application's files beside the manifest.)
    /// </summary>
    public static string? ChildDependencies()
    {
        var self = typeof(NotebookProcess).Assembly.Location;
        var own = Path.ChangeExtension(self, ".deps.json");
        if (!File.Exists(own)) return null;
        var keep = new[] { Path.GetFileNameWithoutExtension(self), typeof(NotebookRunner).Assembly.GetName().Name };
        var manifest = JsonNode.Parse(File.ReadAllText(own))!.AsObject();
        var libraries = manifest["libraries"] as JsonObject ?? new JsonObject();
        var dropped = libraries.Where(l => l.Value?["type"]?.GetValue<string>() == "project")
            .Select(l => l.Key.Split('/')[0]).Except(keep).ToHashSet();
        var targets = (manifest["targets"] as JsonObject)?.Select(t => t.Value).OfType<JsonObject>() ?? [];
        foreach (var section in targets.Append(libraries))
        {
            // Entries are "Name/Version"; a target's entry lists its dependencies by name.
            foreach (var (library, entry) in section.ToList())
            {
                if (dropped.Contains(library.Split('/')[0])) section.Remove(library);
                else if (entry?["dependencies"] is JsonObject dependencies)
                    foreach (var name in dependencies.Select(d => d.Key).Where(dropped.Contains).ToList())
                        dependencies.Remove(name);
            }
        }
        var path = Path.Combine(Path.GetDirectoryName(self)!, "course.notebook.deps.json");
        var text = manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        try
        {
            if (!File.Exists(path) || File.ReadAllText(path) != text) AtomicFile.WriteAllText(path, text);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;     // a read-only install: the child binds to course's own copies
        }
    }

    private static void Send(Process process, string line)
    {
        try
        {
            process.StandardInput.WriteLine(line);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // the child has ended already
        }
    }

    private static async Task Pump(StreamReader from, TextWriter to, StringBuilder? keep)
    {
        var buffer = new char[8192];
        int n;
        while ((n = await from.ReadAsync(buffer)) > 0)
        {
            lock (to) to.Write(buffer, 0, n);
            if (keep is null) continue;
            keep.Append(buffer, 0, n);
            if (keep.Length > 64 * 1024) keep.Remove(0, keep.Length - 16 * 1024);
        }
        lock (to) to.Flush();
    }

    // The dotnet host that runs course.dll: this process's when it is dotnet, else the one the SDK names.
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    private static NotebookRunResult Read(NotebookRequest request, string folder, int exitCode, string errors)
    {
        var path = request.Notebook;
        var resultFile = Path.Combine(folder, "result.json");
        var executedFile = Path.Combine(folder, "executed.ipynb");
        var executed = File.Exists(executedFile) ? NotebookDocument.Load(executedFile) : null;
        if (File.Exists(resultFile))
        {
            var done = JsonSerializer.Deserialize<ChildResult>(File.ReadAllText(resultFile), json)!;
            if (done.Problem is { } problem) return NotebookRunResult.NotRunnable(path, problem);
            return new NotebookRunResult
            {
                Path = path, Executed = executed, Cells = done.Cells, Checks = done.Checks, Exercises = done.Exercises,
                CheckProblems = done.CheckProblems,
            };
        }

        // The process ended before it wrote its result: what the progress file says, and why.
        var cells = new List<CellResult>();
        CellResult? running = null;
        string? reason = null;
        var progress = Path.Combine(folder, "progress.jsonl");
        foreach (var line in File.Exists(progress) ? File.ReadAllLines(progress) : [])
        {
            if (line.Length == 0) continue;
            Progress? entry;
            try
            {
                entry = JsonSerializer.Deserialize<Progress>(line, json);
            }
            catch (JsonException)
            {
                continue;     // a line cut off by the process's end
            }
            if (entry?.Started is { } s) running = s;
            if (entry?.Finished is { } f)
            {
                cells.Add(f);
                running = null;
            }
            if (entry?.Ended is { } r) reason ??= $"{r}, exit code {exitCode.ToString(CultureInfo.InvariantCulture)}";
        }
        reason ??= Why(exitCode, errors);
        var message = $"the notebook's process ended in this cell ({reason}); the rest of the notebook did not run " +
                      "and its exercises count as not passed";
        if (running is null)
            return NotebookRunResult.NotRunnable(path, $"{path}: the notebook's process ended ({reason})");
        cells.Add(running with { Status = CellStatus.Failed, Error = message });
        IReadOnlyList<string> exercises = request.ReferencePath is { } reference && File.Exists(reference)
            ? NotebookRunner.ReferenceExercises(NotebookDocument.Load(reference))
            : cells.Select(c => c.Exercise ?? c.Check).OfType<string>().Distinct().ToList();
        return new NotebookRunResult
        {
            Path = path, Executed = executed, Cells = cells, Checks = [], Exercises = exercises,
            CheckProblems = exercises.Select(id => new CheckOutcome(id, false,
                $"the notebook's process ended early ({reason}), so no check counts")).ToList(),
        };
    }

    private static string Why(int exitCode, string errors)
    {
        if (errors.Contains("Stack overflow", StringComparison.Ordinal)) return "stack overflow";
        if (errors.Contains("Unhandled exception", StringComparison.Ordinal))
        {
            var first = errors[errors.IndexOf("Unhandled exception", StringComparison.Ordinal)..].Split('\n')[0];
            return first.Trim();
        }
        return exitCode > 128
            ? $"killed by signal {exitCode - 128}, exit code {exitCode}"
            : $"exit code {exitCode.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The child: reads the request from standard input, runs the notebook, writes the result.</summary>
    public static async Task<int> ChildAsync(CancellationToken outer)
    {
        // Read before any learner code runs: the result folder is known to this method only.
        var line = Console.In.ReadLine();
        if (line is null) return 2;
        var request = JsonSerializer.Deserialize<NotebookRequest>(line, json)!;
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(outer);     // Ctrl+C in this process
        var stdin = new Thread(() =>
        {
            while (Console.In.ReadLine() is { } l)
            {
                if (l == InterruptLine) cancel.Cancel();
            }
            Environment.Exit(CourseApp.InterruptedExitCode);     // the parent is gone
        }) { IsBackground = true, Name = "course parent" };
        stdin.Start();

        var folder = request.ResultFolder;
        using var progress = new StreamWriter(
            new FileStream(Path.Combine(folder, "progress.jsonl"), FileMode.CreateNew, FileAccess.Write,
                FileShare.Read),
            new UTF8Encoding(false)) { AutoFlush = true };
        var finished = false;
        NotebookDocument? notebook = null;
        void Note(Progress p)
        {
            lock (progress) progress.WriteLine(JsonSerializer.Serialize(p, json));
        }
        void SavePartial(string reason)
        {
            if (finished) return;
            Note(new Progress { Ended = reason });
            try
            {
                notebook?.Save(Path.Combine(folder, "executed.ipynb"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // the executed copy is a courtesy here; the reason is already noted
            }
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            SavePartial("the notebook's code called Environment.Exit");
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
            SavePartial($"unhandled {(e.ExceptionObject as Exception)?.GetType().Name ?? "exception"} on a " +
                        $"background thread or in async void: {(e.ExceptionObject as Exception)?.Message}");

        var echo = request.Echo ? ConsoleRouter.OriginalOut : null;
        var result = await NotebookRunner.RunAsync(request.Notebook, new RunOptions
        {
            UseSolutions = request.UseSolutions,
            ContinueOnError = request.ContinueOnError,
            Restorer = PackageRestorer.WithConfig(request.NuGetConfig),
            CellTimeout = request.CellTimeoutSeconds == 0
                ? Timeout.InfiniteTimeSpan
                : TimeSpan.FromSeconds(request.CellTimeoutSeconds),
            ReferencePath = request.ReferencePath,
            Echo = echo,
            Loaded = n => notebook = n,
            CellStarting = cell =>
            {
                Note(new Progress { Started = new CellResult
                {
                    Number = cell.Number, Name = cell.Name, FirstLine = cell.FirstLine, Status = CellStatus.NotRun,
                    Kernel = CellParser.Canonical(cell.KernelName),
                } });
                echo?.WriteLine($"── {cell.Label}");
            },
            CellCompleted = r => Note(new Progress { Finished = r with { Output = "" } }),
        }, cancel.Token);

        result.Executed?.Save(Path.Combine(folder, "executed.ipynb"));
        var report = new ChildResult(result.Problem, [.. result.Cells], [.. result.Checks], [.. result.Exercises],
            [.. result.CheckProblems]);
        var temp = Path.Combine(folder, "result.json.tmp");
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(report, json));
        File.Move(temp, Path.Combine(folder, "result.json"));
        finished = true;
        await ConsoleRouter.OriginalOut.FlushAsync();
        // Ends the process even if the notebook left foreground threads running.
        Environment.Exit(0);
        return 0;
    }

    private sealed record ChildResult(
        string? Problem, List<CellResult> Cells, List<CheckOutcome> Checks, List<string> Exercises,
        List<CheckOutcome> CheckProblems);

    private sealed class Progress
    {
        public CellResult? Started { get; init; }

        public CellResult? Finished { get; init; }

        public string? Ended { get; init; }
    }
}
