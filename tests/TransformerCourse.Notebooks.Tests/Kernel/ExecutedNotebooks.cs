using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Notebooks.Tests.Kernel;

/// <summary>Which program executed a notebook.</summary>
public enum Engine
{
    /// <summary>The Polyglot kernel, dotnet-interactive 1.0.712001, driven by Jupyter's nbconvert.</summary>
    Kernel,

    /// <summary>The course's own runner (Roslyn scripting).</summary>
    Runner,
}

/// <summary>One code cell of an executed notebook: its source and nbformat outputs.</summary>
public sealed record ExecutedCell(int CodeCellNumber, string Source, JsonArray Outputs)
{
    /// <summary>The cell's first line (what a learner sees at the top of the cell).</summary>
    public string FirstLine => Source.Split('\n')[0];

    /// <summary>Everything written to stdout.</summary>
    public string Stdout => Streams("stdout");

    /// <summary>Everything written to stderr.</summary>
    public string Stderr => Streams("stderr");

    /// <summary>The error outputs, as "name: value".</summary>
    public IReadOnlyList<string> Errors =>
        Outputs.Where(o => (string?)o!["output_type"] == "error").Select(o => $"{o!["ename"]}: {o["evalue"]}").ToList();

    /// <summary>The data of every display_data / execute_result output, in order.</summary>
    public IReadOnlyList<JsonObject> Displays =>
        Outputs.Where(o => (string?)o!["output_type"] is "display_data" or "execute_result")
               .Select(o => o!["data"]!.AsObject()).ToList();

    /// <summary>stdout plus the text/plain of every display, in order: what the cell printed.</summary>
    public string Text
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var o in Outputs)
            {
                var type = (string?)o!["output_type"];
                if (type == "stream" && (string?)o["name"] == "stdout") sb.Append(Join(o["text"]));
                else if (type is "display_data" or "execute_result" && o["data"]?["text/plain"] is { } plain)
                    sb.Append(Join(plain)).Append('\n');
            }
            return sb.ToString();
        }
    }

    private string Streams(string name) =>
        string.Concat(Outputs.Where(o => (string?)o!["output_type"] == "stream" && (string?)o["name"] == name)
                             .Select(o => Join(o!["text"])));

    /// <summary>An nbformat multi-line string (a string or an array of lines) as one string.</summary>
    public static string Join(JsonNode? node) =>
        node is JsonArray a ? string.Concat(a.Select(l => (string?)l)) : (string?)node ?? "";
}

/// <summary>An executed notebook: where its JSON was written and its code cells.</summary>
public sealed record ExecutedNotebook(string Name, Engine Engine, bool Solutions, string OutputPath,
    IReadOnlyList<ExecutedCell> Cells, double Seconds)
{
    /// <summary>The runner's own account of the run (cells, checks, exercises); null for the kernel.</summary>
    public NotebookRunResult? RunResult { get; init; }

    /// <summary>All printed text of the notebook (stdout and text/plain displays).</summary>
    public string Text => string.Concat(Cells.Select(c => c.Text));

    /// <summary>The number in group <paramref name="group"/> of the first match of <paramref name="pattern"/> in
    /// <see cref="Text"/> (invariant culture; a test failure when no line matches).</summary>
    public double Number(string pattern, int group = 1)
    {
        var m = Regex.Match(Text, pattern);
        Assert.True(m.Success, $"no line matching /{pattern}/ in the output of {Describe()}");
        return double.Parse(m.Groups[group].Value, NumberStyles.Float | NumberStyles.AllowThousands,
            CultureInfo.InvariantCulture);
    }

    /// <summary>"notebook (kernel, with solutions)".</summary>
    public string Describe() =>
        $"{Name} ({(Engine == Engine.Kernel ? "kernel" : "runner")}, {(Solutions ? "with solutions" : "as shipped")})";

    /// <summary>"code cell 3 (// Exercise 01.2: …)" for messages.</summary>
    public static string Where(ExecutedCell cell) => $"code cell {cell.CodeCellNumber} ({cell.FirstLine})";
}

/// <summary>
/// Executes each course notebook at most once per (engine, solutions) in a test run and keeps the result, so that
/// the kernel tests, the runner-vs-kernel comparison, the browser test and the headline-number tests share runs.
/// Executed notebooks are written to out/executed/{kernel|runner}/{shipped|solutions}/.
/// </summary>
public static class ExecutedNotebooks
{
    private static readonly ConcurrentDictionary<(string, Engine, bool), Lazy<Task<ExecutedNotebook>>> runs = new();

    // The kernel runs one notebook at a time: two kernels would fight over the 2 cores and the NuGet cache.
    private static readonly SemaphoreSlim kernelGate = new(1, 1);

    /// <summary>The notebook <paramref name="name"/> (e.g. 01-softmax.ipynb) executed by
    /// <paramref name="engine"/>.</summary>
    /// <remarks>
    /// The runner's run with the solutions always goes first: it trains whatever the notebook trains, and every other
    /// run then reuses those models (ModelCache), so all runs print the same evaluation and none trains twice.
    /// </remarks>
    public static Task<ExecutedNotebook> Get(string name, Engine engine, bool solutions) =>
        runs.GetOrAdd((name, engine, solutions), key => new Lazy<Task<ExecutedNotebook>>(async () =>
        {
            if (engine == Engine.Kernel || !solutions) await Get(name, Engine.Runner, solutions: true);
            return engine == Engine.Kernel ? await RunKernelAsync(name, solutions)
                : await RunRunnerAsync(name, solutions);
        })).Value;

    private static string OutputFolder(Engine engine, bool solutions)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "out", "executed", engine == Engine.Kernel ? "kernel" : "runner",
            solutions ? "solutions" : "shipped");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static async Task<ExecutedNotebook> RunRunnerAsync(string name, bool solutions)
    {
        var clock = Stopwatch.StartNew();
        var result =
            await NotebookRunner.RunAsync(TestPaths.CourseNotebook(name), new RunOptions { UseSolutions = solutions });
        var output = Path.Combine(OutputFolder(Engine.Runner, solutions), name);
        result.Executed!.Save(output);
        return Read(name, Engine.Runner, solutions, output, clock.Elapsed.TotalSeconds) with { RunResult = result };
    }

    private static Task<ExecutedNotebook> RunKernelAsync(string name, bool solutions) =>
        RunKernelAsync(name, solutions ? "solutions" : "shipped",
            solutions ? WithSolutions(TestPaths.CourseNotebook(name))
                : File.ReadAllText(TestPaths.CourseNotebook(name)),
            OutputFolder(Engine.Kernel, solutions), solutions);

    /// <summary>
    /// Executes <paramref name="notebookJson"/> (a variant of the notebook <paramref name="name"/>) in the kernel,
    /// one kernel at a time, and writes it to <paramref name="outDir"/>.
    /// </summary>
    internal static async Task<ExecutedNotebook> RunKernelAsync(string name, string variant, string notebookJson,
        string outDir, bool solutions)
    {
        await kernelGate.WaitAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            // The input copy sits in out/ (one level below the repository root, like notebooks/), so the notebook's
            // relative #r paths ("../lib/…") and the repository's dotnet tool manifest still apply.
            var input = Path.Combine(TestPaths.RepoRoot, "out", $"kernel-input-{variant}-{name}");
            File.WriteAllText(input, notebookJson);
            Directory.CreateDirectory(outDir);
            var (code, log) = await KernelSetup.NbConvertAsync(input, outDir, name);
            File.Delete(input);
            var output = Path.Combine(outDir, name);
            if (code != 0 || !File.Exists(output))
                throw new InvalidOperationException(
                    $"nbconvert could not execute {name} in the kernel (exit {code}):\n{Tail(log, 4000)}");
            return Read(name, Engine.Kernel, solutions, output, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            kernelGate.Release();
        }
    }

    /// <summary>The notebook's JSON with each exercise cell replaced by its reference solution.</summary>
    public static string WithSolutions(string notebookPath)
    {
        var solutions = Exercises.LoadSolutions(Exercises.SolutionsPath(notebookPath));
        var json = JsonNode.Parse(File.ReadAllText(notebookPath))!;
        foreach (var cell in json["cells"]!.AsArray())
        {
            if ((string?)cell!["cell_type"] != "code") continue;
            var id = Exercises.StubId(ExecutedCell.Join(cell["source"]));
            if (id is not null && solutions.TryGetValue(id, out var solution))
                cell["source"] = NbformatText.Lines(solution);
        }
        return json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    internal static ExecutedNotebook Read(string name, Engine engine, bool solutions, string path, double seconds)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var cells = new List<ExecutedCell>();
        foreach (var cell in json["cells"]!.AsArray())
        {
            if ((string?)cell!["cell_type"] != "code") continue;
            cells.Add(new ExecutedCell(cells.Count + 1, ExecutedCell.Join(cell["source"]),
                cell["outputs"]?.AsArray() ?? []));
        }
        return new ExecutedNotebook(name, engine, solutions, path, cells, seconds);
    }

    internal static string Tail(string text, int chars) => text.Length <= chars ? text : "…" + text[^chars..];
}
