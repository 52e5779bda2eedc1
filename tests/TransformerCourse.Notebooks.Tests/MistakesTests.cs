using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Every exercise of every notebook (found when the tests run, so new notebooks are covered) has at least two
/// plausible wrong answers in <c>notebooks/mistakes/NN-name.csx</c>, and its check rejects each of them: one run of a
/// variant notebook in which, after each exercise's check cell, every mistake is swapped in and the check cell
/// repeated, then the reference solution and the check once more. Each mistake's check must print ✘ (a wrong answer,
/// not "not done yet") and the solution's ✔. In the runner for every notebook, in the real kernel for 01.
/// </summary>
public class MistakesTests
{
    public static IEnumerable<object[]> NotebooksWithExercises() =>
        TestPaths.CourseNotebooks().Where(n => KernelTests.ExerciseIds((string)n[0]).Count > 0);

    [Theory]
    [MemberData(nameof(NotebooksWithExercises))]
    public void EveryExerciseHasAtLeastTwoMistakes(string name)
    {
        var path = Exercises.MistakesPath(TestPaths.CourseNotebook(name));
        Assert.True(File.Exists(path), $"{name}: no mistakes file {path}");
        var mistakes = Exercises.LoadMistakes(path);
        var ids = KernelTests.ExerciseIds(name);
        foreach (var id in ids)
            Assert.True(mistakes.Count(m => m.Exercise == id) >= 2,
                $"{name}: exercise {id} has {mistakes.Count(m => m.Exercise == id)} mistakes in {path}; at least 2");
        var strays = mistakes.Where(m => !ids.Contains(m.Exercise)).Select(m => $"line {m.Line} ({m.Exercise})");
        Assert.True(!strays.Any(),
            $"{path}: mistakes for exercises the notebook does not have: {string.Join(", ", strays)}");
        Assert.All(mistakes, m => Assert.DoesNotContain("NotImplementedException", m.Source));
    }

    [Theory]
    [MemberData(nameof(NotebooksWithExercises))]
    public async Task EveryMistakeFailsItsCheckInTheRunner(string name)
    {
        var (nb, expectations) = await MistakeRuns.Get(name, Engine.Runner);
        var r = nb.RunResult!;
        Assert.True(r.Succeeded, $"{name} with its mistakes: {r.FailureMessage}");
        var failedCells = r.Cells.Where(c => c.Status is not (CellStatus.Text or CellStatus.Ran))
            .Select(c => c.Where + ": " + c.Error);
        Assert.True(!failedCells.Any(),
            $"{name} with its mistakes: a cell did not run: {string.Join("\n", failedCells)}");
        AssertVerdicts(nb, expectations);
    }

    [Fact]
    public void TheMistakesFileReaderKeepsOrderAndNamesBadLines()
    {
        var dir = TestPaths.TempDir();
        var good = Path.Combine(dir, "good.csx");
        File.WriteAllText(good, "// header\n\n// Exercise 01.1: no max subtracted\nint F() => 1;\n" +
                                "// Exercise 01.1: wrong sign\nint F() => -1;\n// Exercise 01.2: off by one\n" +
                                    "int G() => 2;\n");
        var m = Exercises.LoadMistakes(good);
        Assert.Equal(["01.1", "01.1", "01.2"], m.Select(x => x.Exercise));
        Assert.Equal(["no max subtracted", "wrong sign", "off by one"], m.Select(x => x.What));
        Assert.Equal("// Exercise 01.1: wrong sign\nint F() => -1;\n", m[1].Source);
        Assert.Equal([3, 5, 7], m.Select(x => x.Line));

        var code = Path.Combine(dir, "code.csx");
        File.WriteAllText(code, "// header\nint F() => 1;\n");
        Assert.Equal($"{code} line 2: code before the first \"// Exercise <id>: <the mistake>\" line",
            Assert.Throws<InvalidDataException>(() => Exercises.LoadMistakes(code)).Message);
        var empty = Path.Combine(dir, "empty.csx");
        File.WriteAllText(empty, "// Exercise 01.1: nothing\n// just a comment\n");
        Assert.Equal($"{empty} line 1: mistake 01.1 has no code",
            Assert.Throws<InvalidDataException>(() => Exercises.LoadMistakes(empty)).Message);
        var unnamed = Path.Combine(dir, "unnamed.csx");
        File.WriteAllText(unnamed, "// Exercise 01.1:\nint F() => 1;\n");
        Assert.Equal($"{unnamed} line 1: say what the mistake is after \"// Exercise 01.1:\"",
            Assert.Throws<InvalidDataException>(() => Exercises.LoadMistakes(unnamed)).Message);
    }

    internal static void AssertVerdicts(ExecutedNotebook nb, IReadOnlyList<Expectation> expectations)
    {
        foreach (var e in expectations)
        {
            var text = nb.Cells[e.CodeCellIndex].Text;
            var line = text.Split('\n')
                .FirstOrDefault(l => Regex.IsMatch(l, $@"^[✔✘] Exercise {Regex.Escape(e.Exercise)}:")) ?? "";
            if (e.Mistake is { } mistake)
            {
                Assert.True(line.StartsWith("✘", StringComparison.Ordinal)
                    && !line.Contains("not done yet", StringComparison.Ordinal),
                    $"{nb.Describe()}: mistake \"{mistake.What}\" (mistakes file line {mistake.Line}) " +
                    $"was not rejected: its check printed {(line.Length == 0 ? $"no verdict: {text}" : line)}");
            }
            else
            {
                Assert.True(line.StartsWith("✔", StringComparison.Ordinal),
                    $"{nb.Describe()}: the solution of {e.Exercise} after its mistakes did not pass: " +
                        $"{(line.Length == 0 ? text : line)}");
            }
        }
    }

    /// <summary>A check cell of the variant notebook: after a mistake (must print ✘) or
    /// after the solution (✔).</summary>
    internal sealed record Expectation(int CodeCellIndex, string Exercise, Mistake? Mistake);

    /// <summary>
    /// The mistakes variants, executed at most once per (notebook, engine) in a test run, after the notebook's runner
    /// run with the solutions (so whatever it trains is cached). Written to out/executed/{engine}/mistakes/.
    /// </summary>
    internal static class MistakeRuns
    {
        private static readonly
            ConcurrentDictionary<(string, Engine), Lazy<Task<(ExecutedNotebook, IReadOnlyList<Expectation>)>>> runs =
                new();

        public static Task<(ExecutedNotebook, IReadOnlyList<Expectation>)> Get(string name, Engine engine) =>
            runs.GetOrAdd((name, engine), _ => new(async () =>
            {
                await ExecutedNotebooks.Get(name, Engine.Runner, solutions: true);
                var (json, expectations) = Variant(TestPaths.CourseNotebook(name));
                var outDir = Path.Combine(TestPaths.RepoRoot, "out", "executed",
                    engine == Engine.Kernel ? "kernel" : "runner", "mistakes");
                Directory.CreateDirectory(outDir);
                if (engine == Engine.Kernel)
                    return (await ExecutedNotebooks.RunKernelAsync(name, "mistakes", json, outDir,
                        solutions: false), expectations);
                var clock = Stopwatch.StartNew();
                var input = Path.Combine(TestPaths.RepoRoot, "out", $"runner-input-mistakes-{name}");
                File.WriteAllText(input, json);
                var result = await NotebookRunner.RunAsync(input, new RunOptions());
                File.Delete(input);
                var output = Path.Combine(outDir, name);
                result.Executed!.Save(output);
                return (ExecutedNotebooks.Read(name, engine, false, output,
                    clock.Elapsed.TotalSeconds) with { RunResult = result },
                    expectations);
            })).Value;
    }

    /// <summary>
    /// The notebook with, right after each exercise's check cell, [mistake, check] for each of its mistakes and then
    /// [solution, check]; and which code cells (0-based among code cells) must print ✘ or ✔.
    /// </summary>
    internal static (string Json, IReadOnlyList<Expectation> Expectations) Variant(string notebookPath)
    {
        var mistakes = Exercises.LoadMistakes(Exercises.MistakesPath(notebookPath));
        var solutions = Exercises.LoadSolutions(Exercises.SolutionsPath(notebookPath));
        var json = JsonNode.Parse(File.ReadAllText(notebookPath))!;
        var cells = new JsonArray();
        var expectations = new List<Expectation>();
        var codeCells = 0;
        foreach (var cell in json["cells"]!.AsArray().Select(c => c!.DeepClone()).ToList())
        {
            cells.Add(cell);
            if ((string?)cell["cell_type"] != "code") continue;
            codeCells++;
            var source = ExecutedCell.Join(cell["source"]);
            if (Exercises.CheckId(source) is not { } id) continue;
            foreach (var (replacement,
                mistake) in mistakes.Where(m => m.Exercise == id).Select(m => (m.Source, (Mistake?)m))
                         .Append((solutions[id], null)))
            {
                cells.Add(CodeCell(cell, replacement));
                cells.Add(CodeCell(cell, source));
                codeCells += 2;
                expectations.Add(new Expectation(codeCells - 1, id, mistake));
            }
        }
        json["cells"] = cells;
        return (json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), expectations);
    }

    private static JsonNode CodeCell(JsonNode like, string source)
    {
        var cell = like.DeepClone();
        cell["source"] = NbformatText.Lines(source);
        cell["outputs"] = new JsonArray();
        return cell;
    }
}

/// <summary>Notebook 01's mistakes variant in the real Polyglot kernel: the same verdicts as in the runner.</summary>
[Collection("kernel")]
public class MistakesKernelTests
{
    [Fact]
    public async Task EveryMistakeOfNotebook01FailsItsCheckInTheKernel()
    {
        Assert.Null(KernelSetup.Missing());
        var (nb, expectations) = await MistakesTests.MistakeRuns.Get("01-softmax.ipynb", Engine.Kernel);
        KernelTests.AssertClean(nb);
        MistakesTests.AssertVerdicts(nb, expectations);
    }
}
