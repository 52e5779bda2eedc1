using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Kernel;

/// <summary>
/// Every course notebook executed in the real Polyglot kernel (dotnet-interactive 1.0.712001, what VS Code starts), as
/// shipped and with the reference solutions: no error output and nothing on stderr; as shipped every exercise's
/// check says it is not done yet, with the solutions every check passes.
/// </summary>
[Collection("kernel")]
public class KernelTests
{
    public static IEnumerable<object[]> Notebooks() => TestPaths.CourseNotebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookRunsInTheKernelAsShipped(string name)
    {
        Assert.Null(KernelSetup.Missing());
        var nb = await ExecutedNotebooks.Get(name, Engine.Kernel, solutions: false);
        AssertClean(nb);
        foreach (var id in ExerciseIds(name))
            Assert.True(Regex.IsMatch(nb.Text, $@"✘ Exercise {Regex.Escape(id)}\b.*not done yet"),
                $"{nb.Describe()}: exercise {id} printed no '✘ … not done yet' line");
        Assert.DoesNotContain("✔", nb.Text);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task NotebookRunsInTheKernelWithTheSolutions(string name)
    {
        Assert.Null(KernelSetup.Missing());
        var nb = await ExecutedNotebooks.Get(name, Engine.Kernel, solutions: true);
        AssertClean(nb);
        foreach (var id in ExerciseIds(name))
            Assert.True(Regex.IsMatch(nb.Text, $@"✔ Exercise {Regex.Escape(id)}\b"),
                $"{nb.Describe()}: exercise {id} printed no '✔' line");
        var failed = nb.Text.Split('\n').FirstOrDefault(l => l.StartsWith("✘", StringComparison.Ordinal));
        Assert.True(failed is null, $"{nb.Describe()}: a check failed with the reference solution: {failed}");
    }

    internal static void AssertClean(ExecutedNotebook nb)
    {
        foreach (var cell in nb.Cells)
        {
            Assert.True(cell.Errors.Count == 0,
                $"{nb.Describe()}: {ExecutedNotebook.Where(cell)} failed: {string.Join("\n", cell.Errors)}");
            Assert.True(cell.Stderr.Trim().Length == 0,
                $"{nb.Describe()}: {ExecutedNotebook.Where(cell)} wrote to stderr: {cell.Stderr.Trim()}");
        }
    }

    internal static IReadOnlyList<string> ExerciseIds(string name) =>
        NotebookDocument.Load(TestPaths.CourseNotebook(name)).Cells
            .Where(c => c.CellType == "code").Select(c => Exercises.StubId(c.Source)).OfType<string>().ToList();
}
