using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Every notebook under notebooks/ (found when the tests run, so new notebooks are covered without new tests):
/// with the reference solutions swapped in, every cell passes or is skipped only for a package this machine cannot
/// restore; as shipped, every exercise's check fails with a readable message and nothing crashes.
/// </summary>
public class CourseNotebookTests
{
    public static IEnumerable<object[]> Notebooks() => TestPaths.CourseNotebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void NotebookIsAPolyglotCsharpNotebook(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.CourseNotebook(name)))!;
        Assert.Equal(4, (int?)json["nbformat"]);
        Assert.Equal(".net-csharp", (string?)json["metadata"]!["kernelspec"]!["name"]);
        Assert.Equal("csharp", (string?)json["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
        var cells = json["cells"]!.AsArray().Select(c => c!).ToList();
        Assert.All(cells.Where(c => (string?)c["cell_type"] == "code"), c =>
        {
            Assert.Equal("csharp", (string?)c["metadata"]!["polyglot_notebook"]!["kernelName"]);
            Assert.Empty(c["outputs"]!.AsArray());     // committed notebooks carry no outputs
        });
        Assert.Equal("markdown", (string?)cells[0]["cell_type"]);    // learning objectives at the top
        Assert.Equal("markdown", (string?)cells[^1]["cell_type"]);   // summary at the bottom
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void EveryLibraryFileTheNotebookNamesExists(string name)
    {
        // "Read next: lib/TransformerCourse/Transformer/EncoderLayer.cs" must lead somewhere after a file moves.
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.CourseNotebook(name)))!;
        var text = string.Concat(json["cells"]!.AsArray().Select(c => Kernel.ExecutedCell.Join(c!["source"]) + "\n"));
        var named = Regex.Matches(text, @"lib/TransformerCourse[\w.]*/[\w/.]+?\.cs\b")
            .Select(m => m.Value).Distinct().ToList();
        Assert.NotEmpty(named);
        var missing = named.Where(path => !File.Exists(Path.Combine(TestPaths.RepoRoot, path))).ToList();
        Assert.True(missing.Count == 0, $"{name} names library files that do not exist: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookRunsWithTheSolutionsSwappedIn(string name)
    {
        var r = (await Kernel.ExecutedNotebooks.Get(name, Kernel.Engine.Runner, solutions: true)).RunResult!;

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.All(r.Cells, c =>
            Assert.Contains(c.Status, new[] { CellStatus.Text, CellStatus.Ran, CellStatus.SkippedMissingPackage }));
        Assert.All(r.Checks, c => Assert.True(c.Passed, $"{name}: exercise {c.Exercise}: {c.Message}"));
        Assert.All(r.Cells.Where(c => c.Check is not null && c.Status == CellStatus.Ran), c =>
            Assert.Matches($@"^✔ Exercise {Regex.Escape(c.Check!)}: [^\n]*\n$", c.Output));    // one line per exercise
        var skipped = r.Cells.Where(c => c.Status == CellStatus.SkippedMissingPackage).Select(c => c.Number).ToList();
        Assert.All(r.Exercises, id => Assert.True(
            r.Checks.Any(c => c.Exercise == id) || skipped.Count > 0,
            $"{name}: exercise {id} has no check that ran"));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryExerciseCheckFailsOnItsStubWithoutCrashing(string name)
    {
        var r = (await Kernel.ExecutedNotebooks.Get(name, Kernel.Engine.Runner, solutions: false)).RunResult!;

        Assert.True(r.Succeeded, $"an untouched stub must not crash the notebook: {r.FailureMessage}");
        foreach (var id in r.Exercises)
        {
            var outcomes = r.Checks.Where(c => c.Exercise == id).ToList();
            Assert.True(outcomes.Count > 0, $"{name}: exercise {id}: no check ran");
            var failed = outcomes.FirstOrDefault(c => !c.Passed);
            Assert.True(failed is not null, $"{name}: exercise {id}: the check passes on the untouched stub");
            Assert.False(string.IsNullOrWhiteSpace(failed!.Message));
            // One call per exercise in its check cell, so one line: a stub that throws is "not done yet" once.
            Assert.Single(outcomes);
            Assert.All(r.Cells.Where(c => c.Check == id), c =>
                Assert.Matches($@"^✘ Exercise {Regex.Escape(id)}: [^\n]*\n$", c.Output));
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void EveryExerciseHasACheckCellBelowItAndASolution(string name)
    {
        var path = TestPaths.CourseNotebook(name);
        var cells = NotebookDocument.Load(path).Cells.Where(c => c.CellType == "code").ToList();
        var stubs =
            cells.Select((c, i) => (Id: Exercises.StubId(c.Source), Index: i)).Where(s => s.Id is not null).ToList();
        if (stubs.Count == 0) return;
        var solutions = Exercises.LoadSolutions(Exercises.SolutionsPath(path));
        Assert.Equal(stubs.Count, stubs.Select(s => s.Id).Distinct().Count());
        foreach (var (id, index) in stubs)
        {
            Assert.True(solutions.ContainsKey(id!), $"{name}: no solution for exercise {id}");
            Assert.Contains(cells.Skip(index + 1), c => Exercises.CheckId(c.Source) == id);
        }
        Assert.Empty(solutions.Keys.Except(stubs.Select(s => s.Id!)));
    }
}
