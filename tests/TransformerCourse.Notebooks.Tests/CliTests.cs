using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using TransformerCourse.Cli;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>The <c>course</c> command, called in process with a console that writes to a string.</summary>
public class CliTests
{
    internal static async Task<(int Exit, string Output)> Course(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = 250;
        var exit = await CourseApp.RunAsync(args, console);
        return (exit, writer.ToString());
    }

    [Fact]
    public async Task RunWritesTheExecutedNotebookAndASummary()
    {
        var outDir = TestPaths.TempDir();
        var (exit, output) = await Course("run", TestPaths.Fixture("state.ipynb"), "--out", outDir);

        Assert.Equal(0, exit);
        Assert.Contains("state.ipynb: 3 cells run, 0 skipped", output);
        Assert.Contains("hello 25 0", output);   // cell output echoed
        var executed = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "state.ipynb")))!;
        var last = executed["cells"]![3]!;
        Assert.Equal(3, (int?)last["execution_count"]);
        Assert.Equal("execute_result", (string?)last["outputs"]![0]!["output_type"]);
    }

    [Fact]
    public async Task NotebooksRunWithUnicodeTablesAndPrintNumbersInTheInvariantCulture()
    {
        // Unicode's canonical decomposition of the syllable 한 (U+D55C) is the three jamo ᄒ ᅡ ᆫ: BERT's tokenizer
        // (notebook 13) needs it, and invariant globalization cannot do it. Numbers still print as in invariant mode.
        var dir = TestPaths.TempDir();
        var notebook = TestPaths.WriteNotebook(dir, "unicode.ipynb",
            "var jamo = \"\\uD55C\".Normalize(System.Text.NormalizationForm.FormD);\n" +
            "Console.WriteLine($\"NFD {string.Join(\" \", jamo.Select(c => ((int)c).ToString(\"X4\")))}; " +
            "{1234.5:N1}; \" +\n" +
            "    $\"culture '{System.Globalization.CultureInfo.CurrentCulture.Name}'\");");
        var (exit, output) = await Course("run", notebook, "--out", TestPaths.TempDir());

        Assert.Equal(0, exit);
        Assert.Contains("NFD 1112 1161 11AB; 1,234.5; culture ''", output);
    }

    [Theory]
    [InlineData("compile-error.ipynb", "code cell 2 (cell 3 of 4) \"var fine = ok + 1;\", line 2, column 9")]
    [InlineData("runtime-error.ipynb",
        "code cell 2 (cell 2 of 3) \"Console.WriteLine(\"before\");\", line 3, column 13")]
    public async Task APlantedFailingCellExitsNonZeroNamingCellAndLine(string fixture, string where)
    {
        var (exit, output) = await Course("run", TestPaths.Fixture(fixture), "--out", TestPaths.TempDir(), "--quiet");

        Assert.Equal(1, exit);
        Assert.Contains($"✘ {TestPaths.Fixture(fixture)}: {where}: ", output);
    }

    [Fact]
    public async Task CellsAreNamedAsALearnerFindsThemInTheEditor()
    {
        var (exit, output) = await Course(
            "run", TestPaths.Fixture("compile-error.ipynb"), "--out", TestPaths.TempDir());

        Assert.Equal(1, exit);
        // Before each cell: its place among the code cells and among all cells, and its first line.
        Assert.Contains("── code cell 1 (cell 2 of 4) \"var ok = 1;\"", output);
        Assert.Contains("── code cell 2 (cell 3 of 4) \"var fine = ok + 1;\"", output);
        Assert.DoesNotContain("── cell ", output);
        // The summary table: code cell (cell n of N), first line, and the failure's line and column.
        Assert.Matches(
            @"│ 2 \(cell 3 of 4\)\s*│ var fine = ok \+ 1;\s*│ csharp\s*│ FAILED\s*│[^│]*│ line 2, column 9: ", output);
        Assert.Matches(
            @"│ 3 \(cell 4 of 4\)\s*│ Console\.WriteLine\(""not reached""\);\s*│ csharp\s*│ not run", output);
    }

    [Fact]
    public async Task RunReportsMissingPackagesByName()
    {
        var (exit, output) = await Course("run", TestPaths.Fixture("missing-package.ipynb"),
            "--out", TestPaths.TempDir(), "-q", "--nuget-config", TestPaths.EmptyFeedConfig());

        Assert.Equal(0, exit);
        Assert.Contains("2 cells run, 2 skipped (2 for missing packages, 0 other kernels), 0 failed", output);
        Assert.Contains($"packages not available on this machine: {TestPaths.NoSuchPackage}", output);
        Assert.Contains($"no source has package {TestPaths.NoSuchPackage} (check the name and version)", output);
    }

    [Fact]
    public async Task UnreadableNotebooksFailAloneAndTheOthersStillRun()
    {
        var dir = TestPaths.TempDir();
        var outDir = TestPaths.TempDir();
        File.WriteAllText(Path.Combine(dir, "a-broken.ipynb"),
            "{\n \"cells\": [\n  {\"cell_type\": \"code\" \"source\": []}\n ]\n}\n");
        File.WriteAllText(Path.Combine(dir, "b-number.ipynb"), """
            {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": 42}],
             "metadata": {}, "nbformat": 4, "nbformat_minor": 2}
            """);
        TestPaths.WriteNotebook(dir, "c-good.ipynb", "Console.WriteLine(\"the good one ran\");");

        var (exit, output) = await Course("run", dir, "--out", outDir);

        Assert.Equal(1, exit);
        Assert.Contains($"✘ {Path.Combine(dir, "a-broken.ipynb")}: not valid JSON at line 3, column 24: ", output);
        Assert.Contains(
            $"✘ {Path.Combine(dir, "b-number.ipynb")}: code cell 1 (cell 1 of 1): " +
            "'source' must be a string or an array of strings", output);
        Assert.Contains("the good one ran", output);
        Assert.Contains("c-good.ipynb: 1 cells run", output);
        Assert.True(File.Exists(Path.Combine(outDir, "c-good.ipynb")));
        Assert.False(File.Exists(Path.Combine(outDir, "a-broken.ipynb")));
        Assert.Contains("3 notebooks, 2 failed", output);
    }

    [Fact]
    public async Task CheckRefusesAPythonNotebookNamingItsKernel()
    {
        var path = Path.Combine(TestPaths.TempDir(), "homework.ipynb");
        File.WriteAllText(path, """
            {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["x = 1\n", "x"]}],
             "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}
            """);

        var (exit, output) = await Course("check", path, "--reference", path, "-q");

        Assert.Equal(1, exit);
        Assert.Contains($"✘ {path} is not a C# notebook (kernel: python3)", output);
        Assert.DoesNotContain("CS0", output);     // not compiled as C#
    }

    [Fact]
    public async Task CheckScoresEveryExerciseAndFailsIfAnyFailed()
    {
        var (exit, output) = await Course(
            "check", TestPaths.Fixture("exercises.ipynb"), "--reference", TestPaths.Fixture("exercises.ipynb"), "-q");

        Assert.Equal(1, exit);
        Assert.Matches(@"T\.1\s*│\s*✔ passed\s*│\s*got the expected 42", output);
        Assert.Matches(@"T\.2\s*│\s*✘ failed\s*│\s*not done yet", output);
        Assert.Matches(
            @"T\.3\s*│\s*✘ failed\s*│\s*the exercise cell failed: " +
            @"code cell 6 \(cell 7 of 10\) ""// Exercise T\.3: negate"", line 2, column \d+",
            output);
        Assert.Matches(@"T\.4\s*│\s*✘ failed\s*│\s*expected 3, got -3", output);
        Assert.Contains("1 of 4 exercises passed", output);
    }

    [Fact]
    public async Task RunCountsExercisesAsCheckDoes()
    {
        var (exit, output) = await Course(
            "run", TestPaths.Fixture("exercises.ipynb"), "--out", TestPaths.TempDir(), "-q");

        Assert.Equal(1, exit);                                   // T.3's cell does not compile
        Assert.Contains("; exercises 1/4 passed;", output);     // T.1 passed; T.2 and T.3 failed; T.4's check never ran
        Assert.DoesNotContain("checks ", output);
    }

    [Fact]
    public async Task CheckPassesWithTheSolutions()
    {
        var (exit, output) = await Course("check", TestPaths.Fixture("exercises.ipynb"), "--solutions",
            "--reference", TestPaths.Fixture("exercises.ipynb"), "-q");

        Assert.Equal(0, exit);
        Assert.Contains("4 of 4 exercises passed", output);
    }

    [Fact]
    public async Task NoCommandOverwritesItsInputNotebook()
    {
        var dir = TestPaths.TempDir();
        var notebook = Path.Combine(dir, "state.ipynb");
        File.Copy(TestPaths.Fixture("state.ipynb"), notebook);
        var before = File.ReadAllText(notebook);

        var (runExit, runOutput) = await Course("run", notebook, "--solutions", "--out", dir, "-q");
        var (exportExit, exportOutput) = await Course("export", notebook, "-o", notebook);

        Assert.Equal(2, runExit);
        Assert.Contains($"the executed copy of {notebook} would replace the notebook itself", runOutput);
        Assert.Equal(2, exportExit);
        Assert.Contains($"-o {notebook} is the notebook itself", exportOutput);
        Assert.Equal(before, File.ReadAllText(notebook));
    }

    [Fact]
    public async Task OutPointingAtAFileFailsNamingThePathAndKeepsTheFile()
    {
        var file = Path.Combine(TestPaths.TempDir(), "a-file");
        File.WriteAllText(file, "mine");

        var (exit, output) = await Course("run", TestPaths.Fixture("state.ipynb"), "--out", file, "-q");

        Assert.Equal(1, exit);
        Assert.Contains(
            $"✘ the executed notebook was not written: cannot write {Path.Combine(file, "state.ipynb")}: " +
            $"{file} is a file, not a folder", output);
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-1")]
    public async Task ACellTimeoutThatIsNotANumberOfSecondsIsAUsageError(string value)
    {
        var (exit, output) = await Course("run", TestPaths.Fixture("state.ipynb"), "--cell-timeout", value);

        Assert.Equal(2, exit);
        Assert.Contains($"--cell-timeout needs a number of seconds (0 for no limit), got '{value}'", output);
    }

    [Fact]
    public async Task AFileNamedLikeAnOptionIsAFileAfterDoubleDash()
    {
        var dir = TestPaths.TempDir();
        var notebook = Path.Combine(dir, "-dash.ipynb");
        File.Copy(TestPaths.Fixture("state.ipynb"), notebook);

        var (exit, output) = await Course("run", "--out", Path.Combine(dir, "out"), "-q", "--", notebook);

        Assert.True(exit == 0, output);
        Assert.Contains("-dash.ipynb: 3 cells run", output);
    }

    [Fact]
    public async Task ANugetConfigThatIsNotXmlFailsTheRunBeforeAnyCell()
    {
        var config = Path.Combine(TestPaths.TempDir(), "nuget.config");
        File.WriteAllText(config, "<configuration><packageSources>");

        var (exit, output) = await Course("run", TestPaths.Fixture("state.ipynb"), "--nuget-config", config, "-q");

        Assert.Equal(2, exit);
        Assert.Contains($"--nuget-config {config}: not valid XML: ", output);
        Assert.DoesNotContain("cells run", output);
    }

    [Fact]
    public async Task UsageErrorsExit2()
    {
        Assert.Equal(2, (await Course()).Exit);
        Assert.Equal(2, (await Course("fly")).Exit);
        Assert.Equal(2, (await Course("run")).Exit);
        Assert.Equal(2, (await Course("run", TestPaths.Fixture("state.ipynb"), "--bogus")).Exit);
        Assert.Equal(1, (await Course("run", "no-such-notebook.ipynb")).Exit);
    }

    [Theory]
    [InlineData("run|state.ipynb|--seed|3",
        "course run does not take --seed; its options are: --solutions, --out DIR, -o DIR, --quiet, -q")]
    [InlineData("check|exercises.ipynb|--out|x",
        "course check does not take --out; its options are: --solutions, --quiet, -q")]
    [InlineData("check|exercises.ipynb|-o|x", "course check does not take -o; its options are: ")]
    [InlineData("export|state.ipynb|--quiet",
        "course export does not take --quiet; its options are: --out FILE.cs, -o FILE.cs, --solutions")]
    [InlineData("restore|state.ipynb|--solutions",
        "course restore does not take --solutions; its options are: --nuget-config FILE")]
    public async Task AnOptionOfAnotherCommandIsRefusedListingTheCommandsOptions(string args, string message)
    {
        var parts = args.Split('|');
        parts[1] = parts[1].EndsWith(".ipynb", StringComparison.Ordinal) ? TestPaths.Fixture(parts[1]) : parts[1];

        var (exit, output) = await Course(parts);

        Assert.Equal(2, exit);
        Assert.Contains(message, output);
        Assert.Contains($"usage: course {parts[0]} ", output);
        Assert.DoesNotContain("cells run", output);     // nothing ran
    }

    [Fact]
    public async Task ExportWritesAFileBasedAppThatDotnetRuns()
    {
        var notebook = TestPaths.CourseNotebook("00-setup.ipynb");
        var file = Path.Combine(TestPaths.RepoRoot, "out", "export", "00-setup.cs");
        var (exit, output) = await Course("export", notebook, "--solutions");
        Assert.Equal(0, exit);
        Assert.Contains("wrote ", output);

        var text = File.ReadAllText(file);
        Assert.Contains("#:package MathNet.Numerics@5.0.0\n", text);
        Assert.Contains("#:project ../../lib/TransformerCourse/TransformerCourse.csproj\n", text);
        Assert.Contains("#:property PublishAot=false\n", text);
        Assert.Contains("// # 00 · Setup and tour\n", text);     // markdown as comments
        Assert.DoesNotContain("\n#r ", text);

        // Run it from a copy of the repository's build files and library sources: `dotnet run` builds the #:project,
        // and building it in place would rewrite lib/TransformerCourse/bin and lib/bin while notebooks and kernels load
        // that DLL (a rebuilt DLL is a different library build for ModelCache, so a kernel started later would
        // retrain). The sources are there for the export's #:project lines.
        var sandbox = TestPaths.SandboxWithSources("TransformerCourse", "TransformerCourse.Display");
        var app = Path.Combine(sandbox, "out", "export", "00-setup.cs");
        Directory.CreateDirectory(Path.GetDirectoryName(app)!);
        File.Copy(file, app);
        var start = new ProcessStartInfo("dotnet", ["run", app])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(app)!,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var printed = await stdout;
        Assert.True(process.ExitCode == 0, printed + await stderr);
        Assert.Contains("Linear Algebra Provider: Managed", printed);
        Assert.Contains("c is 200×200", printed);
        Assert.Contains(
            "✔ Exercise 00.1: got the expected 2×3 matrix [[-1.22474, 0, 1.22474], [-0.707107, -0.707107, 1.41421]]",
            printed);
        Assert.Contains("✔ Exercise 00.2: got the expected 3×3 matrix [[11, 22, 30], [13, 24, 32], [10, 19, 31]]",
            printed);
        Assert.DoesNotContain("✘", printed);
        // One line per exercise.
        Assert.Equal(2, printed.Split('\n').Count(l => l.StartsWith("✔ Exercise", StringComparison.Ordinal)));
    }
}
