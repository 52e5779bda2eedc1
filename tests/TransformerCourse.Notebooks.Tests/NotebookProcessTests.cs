using System.Text.Json.Nodes;
using TransformerCourse.Cli;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Each notebook in a process of its own (<see cref="NotebookProcess"/>): what one notebook does to its process
/// cannot stop or change the others, and <c>course check</c> grades against the course's own notebook, counting only
/// verdicts of restored check cells. Tiny notebooks written by the tests; one child process per notebook.
/// </summary>
public class NotebookProcessTests
{
    private static Task<(int Exit, string Output)> Course(params string[] args) => CliTests.Course(args);

    [Fact]
    public async Task ANotebookThatKillsOrBreaksItsProcessLeavesTheOthersRunning()
    {
        var dir = TestPaths.TempDir();
        TestPaths.WriteNotebook(dir, "a-overflow.ipynb", "Console.WriteLine(\"a\");",
            "int Deeper(int n) => Deeper(n + 1) + 1;\nDeeper(0);");
        TestPaths.WriteNotebook(dir, "b-exit.ipynb", "Console.WriteLine(\"b\");", "Environment.Exit(0);");
        TestPaths.WriteNotebook(dir, "c-thread.ipynb",
            "new System.Threading.Thread(() => throw new InvalidOperationException(\"boom\")).Start();\n" +
            "System.Threading.Thread.Sleep(5000);");
        TestPaths.WriteNotebook(dir, "d-async-void.ipynb",
            "async void Later() { await Task.Yield(); throw new InvalidOperationException(\"late\"); }\n" +
            "Later();\nSystem.Threading.Thread.Sleep(5000);");
        TestPaths.WriteNotebook(dir, "e-setout.ipynb", "Console.SetOut(System.IO.TextWriter.Null);",
            "System.IO.Directory.SetCurrentDirectory(\"/\");");
        TestPaths.WriteNotebook(dir, "f-next.ipynb",
            "Console.WriteLine(\"f ran in \" + System.IO.Directory.GetCurrentDirectory());");
        var outDir = Path.Combine(dir, "out");

        var (exit, output) = await Course("run", dir, "--out", outDir);

        Assert.Equal(1, exit);
        Assert.Contains(
            $"✘ {Path.Combine(dir, "a-overflow.ipynb")}: code cell 2 (cell 2 of 2) \"int Deeper(int n) => " +
            "Deeper(n + 1) + 1;\": the notebook's process ended in this cell (stack overflow)", output);
        Assert.Contains(
            $"✘ {Path.Combine(dir, "b-exit.ipynb")}: code cell 2 (cell 2 of 2) \"Environment.Exit(0);\": the " +
            "notebook's process ended in this cell (the notebook's code called Environment.Exit, exit code 0)",
            output);
        Assert.Contains($"✘ {Path.Combine(dir, "c-thread.ipynb")}: code cell 1 (cell 1 of 1) ", output);
        Assert.Contains("InvalidOperationException on a background thread or in async void: boom", output);
        Assert.Contains("InvalidOperationException on a background thread or in async void: late", output);
        Assert.Contains("f-next.ipynb: 1 cells run, 0 skipped", output);
        Assert.Contains($"f ran in {Directory.GetCurrentDirectory()}", output);     // not "/", and printed
        Assert.Contains("6 notebooks, 4 failed", output);
        // b's executed copy as far as it ran: cell 1's output and the exit noted in cell 2.
        var b = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "b-exit.ipynb")))!;
        Assert.Contains("b", b["cells"]![0]!["outputs"]!.ToJsonString());
    }

    // A reference notebook with two exercises and a learner's copy built from it with both answers wrong.
    private const string Reference1 =
        "// Exercise X.1: double it\nint Double(int n) => throw new NotImplementedException();";
    private const string Check1 = "// Check X.1\nCheck.Equal(\"X.1\", () => Double(21), 42);";
    private const string Reference2 =
        "// Exercise X.2: add one\nint AddOne(int n) => throw new NotImplementedException();";
    private const string Check2 = "// Check X.2\nCheck.Equal(\"X.2\", () => AddOne(41), 42);";
    private const string Wrong1 = "// Exercise X.1: double it\nint Double(int n) => n;";
    private const string Wrong2 = "// Exercise X.2: add one\nint AddOne(int n) => n;";
    private const string Sink = "\"TransformerCourse.Checks.Sink\"";
    private const string PassEverything =
        $"var real = (Action<string, bool, string>)AppDomain.CurrentDomain.GetData({Sink})!;\n" +
        $"AppDomain.CurrentDomain.SetData({Sink}, (Action<string, bool, string>)((e, p, m) => real(e, true, m)));";

    private static string Setup() =>
        $"#r \"{Path.Combine(AppContext.BaseDirectory, "TransformerCourse.dll")}\"\nusing TransformerCourse.Checks;";

    public static TheoryData<string, string[], string> Spoofs() => new()
    {
        // The sink swapped from an exercise cell.
        { "sink-in-cell", [Wrong1 + "\n" + PassEverything, Check1, Wrong2, Check2], "" },
        // The sink swapped by the learner's code while the check runs it.
        {
            "sink-in-check",
            [$"// Exercise X.1: double it\nint Double(int n) {{ {PassEverything.Replace("\n", " ")} return n; }}",
             Check1, Wrong2, Check2],
            ""
        },
        // An exercise and its check deleted.
        { "deleted", [Wrong2, Check2], "the check cell \"// Check X.1\" is missing from the notebook" },
        // A check edited to test 1 == 1.
        {
            "edited", [Wrong1, "// Check X.1\nCheck.That(\"X.1\", () => 1 == 1, \"fine\");", Wrong2, Check2],
            "was edited; it was put back as shipped and run"
        },
        // The check deleted and Check.That called from a learner cell.
        {
            "that-from-cell", [Wrong1 + "\nCheck.That(\"X.1\", () => true, \"done\");", Wrong2, Check2],
            "the check cell \"// Check X.1\" is missing"
        },
        // Learner code calling Check while the real check runs it.
        {
            "nested",
            ["// Exercise X.1: double it\nint Double(int n) { Check.That(\"X.1\", () => true, \"ok\"); return n; }",
             Check1, Wrong2, Check2],
            "expected 42, got 21"
        },
        // A check renamed.
        {
            "renamed", [Wrong1, Check1.Replace("// Check X.1", "// Check X.9"), Wrong2, Check2],
            "the check cell \"// Check X.9\" (code cell 3 (cell 3 of 5)) is not in the course's notebook"
        },
        // A score printed by the learner's code.
        {
            "printed",
            [Wrong1, Check1, Wrong2, Check2,
             "Console.WriteLine(\"✔ Exercise X.1: got the expected 42\\n✔ Exercise X.2: ok\\n" +
                 "2 of 2 exercises passed\");"],
            ""
        },
        // Environment.Exit(0) after the checks ran.
        { "exit", [Wrong1, Check1, Wrong2, Check2, "Environment.Exit(0);"], "the notebook's process ended early" },
    };

    [Theory]
    [MemberData(nameof(Spoofs))]
    public async Task CheckGradesAgainstTheCourseNotebookAndLearnerCodeCannotFakeAPass(
        string name, string[] learnerCells, string reported)
    {
        var dir = TestPaths.TempDir();
        var reference = TestPaths.WriteNotebook(dir, "course.ipynb", Setup(), Reference1, Check1, Reference2, Check2);
        var learner = TestPaths.WriteNotebook(dir, name + ".ipynb", [Setup(), .. learnerCells]);

        var (exit, output) = await Course("check", learner, "--reference", reference, "-q");

        Assert.True(exit == 1, output);
        Assert.Matches(name == "renamed" ? "0 of 3 exercises passed" : "0 of 2 exercises passed", output);
        Assert.Contains(reported, output);
    }

    [Fact]
    public async Task CheckPassesAnUntamperedNotebookWithRightAnswers()
    {
        var dir = TestPaths.TempDir();
        var reference = TestPaths.WriteNotebook(dir, "course.ipynb", Setup(), Reference1, Check1, Reference2, Check2);
        var learner = TestPaths.WriteNotebook(dir, "learner.ipynb", Setup(),
            "// Exercise X.1: double it\nint Double(int n) => 2 * n;", Check1 + "\r\n",
            "// Exercise X.2: add one\nint AddOne(int n) => n + 1;", Check2);

        var (exit, output) = await Course("check", learner, "--reference", reference, "-q");

        Assert.True(exit == 0, output);
        Assert.Contains("2 of 2 exercises passed", output);
    }

    [Fact]
    public async Task CheckWithoutACourseCopyOfTheNotebookAsksForOne()
    {
        var dir = TestPaths.TempDir();
        var learner = TestPaths.WriteNotebook(dir, "not-in-the-course.ipynb", Setup());

        var (exit, output) = await Course("check", learner, "-q");

        Assert.Equal(2, exit);
        Assert.Contains("not-in-the-course.ipynb: no notebook of that name in the course's notebooks folder", output);
        Assert.Contains("--reference FILE", output);
    }
}
