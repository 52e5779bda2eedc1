using System.Text.Json.Nodes;

namespace TransformerCourse.Notebooks.Tests;

public class RunnerTests
{
    private static Task<NotebookRunResult> Run(string fixture, RunOptions? options = null) =>
        NotebookRunner.RunAsync(TestPaths.Fixture(fixture), options);

    private static JsonArray Outputs(NotebookRunResult r, int cell) =>
        (JsonArray)r.Executed!.Cells[cell - 1].Json["outputs"]!;

    private static string Text(JsonNode? lines) =>
        lines is JsonArray a ? string.Concat(a.Select(l => (string?)l)) : (string?)lines ?? "";

    [Fact]
    public async Task StateCarriesFromCellToCell()
    {
        var r = await Run("state.ipynb");

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.Equal("hello 25 0\n", r.Cells[2].Output);
        var result = Assert.Single(Outputs(r, 4));
        Assert.Equal("execute_result", (string?)result!["output_type"]);
        Assert.Equal("HELLO", Text(result["data"]!["text/plain"]));
        Assert.Equal(3, (int?)r.Executed!.Cells[3].Json["execution_count"]);
    }

    [Fact]
    public async Task DisplayFormsBecomeNbformatOutputs()
    {
        var r = await Run("display.ipynb");
        Assert.True(r.Succeeded, r.FailureMessage);

        var first = Outputs(r, 1).Select(o => o!).ToList();
        Assert.All(first, o => Assert.Equal("display_data", (string?)o["output_type"]));
        // As the kernel (dotnet-interactive 1.0.712001) shows them: objects as HTML, strings as plain text.
        Assert.StartsWith("<div class=\"dni-plaintext\"><pre>42</pre></div>", Text(first[0]["data"]!["text/html"]));
        Assert.Null(first[0]["data"]!["text/plain"]);
        Assert.Equal("shown by Display()", Text(first[1]["data"]!["text/plain"]));
        Assert.Equal("<b>bold</b>", Text(first[2]["data"]!["text/html"]));
        Assert.Null(first[2]["data"]!["text/plain"]);
        Assert.StartsWith("<div class=\"dni-plaintext\"><pre>[ 1, 2, 3 ]</pre></div>",
            Text(first[3]["data"]!["text/html"]));

        var second = Outputs(r, 2).Select(o => o!).ToList();
        Assert.Equal(("stream", "stdout", "to stdout\n"),
            ((string)second[0]["output_type"]!, (string)second[0]["name"]!, Text(second[0]["text"])));
        Assert.Equal(("stream", "stderr", "to stderr\n"),
            ((string)second[1]["output_type"]!, (string)second[1]["name"]!, Text(second[1]["text"])));
        Assert.Equal("after", Text(second[2]["data"]!["text/plain"]));    // display(...).Update(...) replaces in place
        Assert.Equal(3, second.Count);

        var result = Assert.Single(Outputs(r, 3))!;
        Assert.Equal("execute_result", (string?)result["output_type"]);
        Assert.StartsWith("<div class=\"dni-plaintext\"><pre>3</pre></div>", Text(result["data"]!["text/html"]));
        Assert.Equal(3, (int?)result["execution_count"]);

        Assert.Empty(Outputs(r, 4));   // a statement with a semicolon shows nothing

        // Only the keys the nbformat 4 schema allows (it has additionalProperties: false).
        var allowed = new Dictionary<string, string[]>
        {
            ["stream"] = ["output_type", "name", "text"],
            ["display_data"] = ["output_type", "data", "metadata"],
            ["execute_result"] = ["output_type", "execution_count", "data", "metadata"],
            ["error"] = ["output_type", "ename", "evalue", "traceback"],
        };
        foreach (var output in Enumerable.Range(1, 5).SelectMany(i => Outputs(r, i)).Select(o => (JsonObject)o!))
            Assert.Subset(allowed[(string)output["output_type"]!].ToHashSet(), output.Select(kv => kv.Key).ToHashSet());

        var fifth = Outputs(r, 5).Select(o => o!).ToList();
        Assert.Contains("Name: ada", Text(fifth[0]["data"]!["text/plain"]));
        Assert.Contains("<code>{ Name = ada, Age = 36 }</code>", Text(fifth[0]["data"]!["text/html"]));
        Assert.StartsWith("<div class=\"dni-plaintext\"><pre>&lt;null&gt;</pre></div>",
            Text(fifth[1]["data"]!["text/html"]));
    }

    [Fact]
    public async Task DirectivesHaveTheKernelsMeaning()
    {
        TestPaths.EnsureTinyDll();
        var r = await Run("directives.ipynb");

        Assert.True(r.Succeeded, r.FailureMessage);
        // the kernel's HTML list, echoed as text
        Assert.Contains("Installed Packages MathNet.Numerics, 5.0.0", r.Cells[0].Output);
        Assert.EndsWith("2\n", r.Cells[0].Output);                                   // #r "nuget:" then MathNet code
        // #r "tiny/Tiny.dll" + #load, relative to the notebook
        Assert.Equal("42\n", r.Cells[1].Output);
        Assert.Matches(@"^Wall time: [0-9.]+ms\n$", r.Cells[2].Output);              // #!time
        // cell 3 selects C# with #!csharp
        Assert.Equal((CellStatus.Ran, "selected C# in an F# cell: 500500\n"), (r.Cells[3].Status, r.Cells[3].Output));
        Assert.Equal((CellStatus.SkippedOtherKernel, "fsharp"), (r.Cells[4].Status, r.Cells[4].Kernel));
        Assert.Equal((CellStatus.SkippedOtherKernel, "markdown"), (r.Cells[5].Status, r.Cells[5].Kernel));
        // same package and version again: fine
        Assert.Equal(CellStatus.Ran, r.Cells[6].Status);
        Assert.Equal(2, r.Count(CellStatus.SkippedOtherKernel));
    }

    [Fact]
    public async Task HashIAddsARestoreSource()
    {
        var dir = TestPaths.TempDir();
        var feed = Directory.CreateDirectory(Path.Combine(dir, "feed")).FullName;
        var path = TestPaths.WriteNotebook(dir, "source.ipynb",
            $"#i \"nuget: {feed}\"\n#r \"nuget: MathNet.Numerics, 5.0.0\"\n" +
                $"MathNet.Numerics.SpecialFunctions.Factorial(4)");
        var restorer = new PackageRestorer(Path.Combine(dir, "cache"));

        var r = await NotebookRunner.RunAsync(path, new RunOptions { Restorer = restorer });

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.EndsWith("24\n", r.Cells[0].Output);
        var project =
            Directory.EnumerateFiles(restorer.CacheRoot, "restore.csproj", SearchOption.AllDirectories).Single();
        Assert.Contains($"<RestoreAdditionalProjectSources>{feed}</RestoreAdditionalProjectSources>",
            File.ReadAllText(project));
    }

    [Fact]
    public async Task UnsupportedMagicIsNamed()
    {
        var r = await Run("unsupported-magic.ipynb");

        var failure = Assert.IsType<CellResult>(r.FirstFailure);
        Assert.Equal((2, 2), (failure.Number, failure.Line!.Value));
        Assert.Contains("unsupported magic command #!whos", failure.Error);
        Assert.Equal(CellStatus.NotRun, r.Cells[2].Status);
    }

    [Fact]
    public async Task CompileErrorReportsCellLineAndColumn()
    {
        var r = await Run("compile-error.ipynb");

        var failure = Assert.IsType<CellResult>(r.FirstFailure);
        Assert.Equal((3, 2, 9), (failure.Number, failure.Line!.Value, failure.Column!.Value));
        Assert.StartsWith("error CS0029: Cannot implicitly convert type 'string' to 'int'", failure.Error);
        Assert.Equal(CellStatus.NotRun, r.Cells[3].Status);
        Assert.Equal("code cell 2 (cell 3 of 4) \"var fine = ok + 1;\", line 2, column 9", failure.Where);
        Assert.StartsWith($"{TestPaths.Fixture("compile-error.ipynb")}: {failure.Where}: ", r.FailureMessage);
        Assert.Equal(("cell 1 of 4", ""), (r.Cells[0].Name, r.Cells[0].Position));    // the markdown cell
        Assert.Equal("error", (string?)Outputs(r, 3)[0]!["output_type"]);
    }

    [Fact]
    public async Task RuntimeExceptionReportsCellAndLine()
    {
        var r = await Run("runtime-error.ipynb");

        var failure = Assert.IsType<CellResult>(r.FirstFailure);
        Assert.Equal((2, 3), (failure.Number, failure.Line!.Value));
        Assert.Equal("System.InvalidOperationException: n is 3", failure.Error);
        Assert.Equal("before\n", failure.Output.Split("InvalidOperationException")[0]);
        Assert.Equal(CellStatus.NotRun, r.Cells[2].Status);
        var error = Outputs(r, 2).Last()!;
        Assert.Equal(("error", "InvalidOperationException", "n is 3"),
            ((string)error["output_type"]!, (string)error["ename"]!, (string)error["evalue"]!));
    }

    [Fact]
    public async Task MissingPackageSkipsTheCellsThatNeedItAndNamesIt()
    {
        var r = await Run("missing-package.ipynb",
            new RunOptions { Restorer = TestPaths.Restorer(TestPaths.EmptyFeedConfig()) });

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.Equal([TestPaths.NoSuchPackage], r.MissingPackages);
        Assert.Equal(
            [CellStatus.Ran, CellStatus.SkippedMissingPackage, CellStatus.SkippedMissingPackage, CellStatus.Ran],
            r.Cells.Select(c => c.Status));
        Assert.Equal([TestPaths.NoSuchPackage], r.Cells[2].MissingPackages);
        var problem = $"no source has package {TestPaths.NoSuchPackage} (check the name and version)";
        Assert.Equal(problem, r.Cells[1].RestoreProblem);
        Assert.Contains(problem, r.Cells[1].Output);
        Assert.DoesNotContain("offline", r.Cells[1].Output);
    }

    [Fact]
    public async Task AnUnreachableSourceIsReportedAsOfflineNotAsAWrongName()
    {
        var r = await Run("missing-package.ipynb",
            new RunOptions { Restorer = TestPaths.Restorer(TestPaths.UnreachableFeedConfig()) });

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.Equal([TestPaths.NoSuchPackage], r.MissingPackages);
        Assert.Equal(CellStatus.SkippedMissingPackage, r.Cells[1].Status);
        Assert.StartsWith("the package source(s) could not be reached (offline?): ", r.Cells[1].RestoreProblem);
        Assert.Contains("127.0.0.1:9", r.Cells[1].RestoreProblem);
        Assert.DoesNotContain("no source has package", r.Cells[1].Output);
        Assert.Equal(CellStatus.Ran, r.Cells[3].Status);
    }

    [Fact]
    public async Task OtherErrorsStillFailWhenAPackageIsMissing()
    {
        var r = await Run("missing-package-typo.ipynb",
            new RunOptions { Restorer = TestPaths.Restorer(TestPaths.EmptyFeedConfig()) });

        Assert.Equal(CellStatus.SkippedMissingPackage, r.Cells[0].Status);
        var failure = Assert.IsType<CellResult>(r.FirstFailure);
        Assert.Equal((2, 1, 1), (failure.Number, failure.Line!.Value, failure.Column!.Value));
        Assert.Contains("'Consol'", failure.Error);
    }

    [Fact]
    public async Task ASecondVersionOfAPackageIsRefusedAsTheKernelDoes()
    {
        var r = await Run("version-conflict.ipynb");

        Assert.Equal(
            "MathNet.Numerics version 4.15.0 cannot be added because version 5.0.0 was added previously.",
            Assert.IsType<CellResult>(r.FirstFailure).Error);
    }

    [Fact]
    public async Task ChecksAreRecordedAndAFailingExerciseDoesNotStopTheOthers()
    {
        var r = await Run("exercises.ipynb", new RunOptions { ContinueOnError = true });

        Assert.Equal(["T.1", "T.2", "T.3", "T.4"], r.Exercises);
        Assert.Equal(new CheckOutcome("T.1", true, "got the expected 42; got the expected -2"), r.Checks[0]);
        Assert.Equal("T.2", r.Checks[1].Exercise);
        Assert.False(r.Checks[1].Passed);
        Assert.StartsWith("not done yet", r.Checks[1].Message);
        Assert.Equal(new CheckOutcome("T.4", false, "expected 3, got -3"), r.Checks[2]);
        Assert.Equal(3, r.Checks.Count);     // T.3's stub does not compile, so its check cell cannot run either
        Assert.Equal([7, 8], r.Cells.Where(c => c.Status == CellStatus.Failed).Select(c => c.Number));
    }

    [Fact]
    public async Task ACheckCellPrintsOneLinePerExerciseHoweverManyChecksItMakes()
    {
        var r = await Run("exercises.ipynb", new RunOptions { ContinueOnError = true });

        Assert.Equal("✔ Exercise T.1: got the expected 42; got the expected -2\n", r.Cells[3].Output);
        // The stub throws once, not once per check.
        Assert.Matches(@"^✘ Exercise T\.2: not done yet: [^\n]*\n$", r.Cells[5].Output);
        // The first failure; Abs(0) is not checked.
        Assert.Equal("✘ Exercise T.4: expected 3, got -3\n", r.Cells[9].Output);
        Assert.Equal(
            [("T.1", true), ("T.2", false), ("T.3", false), ("T.4", false)],
            r.Scoreboard.Select(e => (e.Exercise, e.Passed)));
    }

    [Fact]
    public async Task SolutionsReplaceTheStubCells()
    {
        var r = await Run("exercises.ipynb", new RunOptions { UseSolutions = true });

        Assert.True(r.Succeeded, r.FailureMessage);
        Assert.Equal(["T.1", "T.2", "T.3", "T.4"], r.Checks.Select(c => c.Exercise));
        Assert.All(r.Checks, c => Assert.True(c.Passed, c.Message));
        Assert.Contains("n + 1", r.Executed!.Cells[4].Source);
    }

    private static string NotebookJson(string cells) =>
        $$$"""
           {"cells": {{{cells}}}, "metadata": {"kernelspec": {"name": ".net-csharp"}},
            "nbformat": 4, "nbformat_minor": 2}
           """;

    private const string GoodCell =
        """{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["var ok = 1;"]}""";

    [Theory]
    [InlineData("""{"cell_type": "code", "metadata": {}, "outputs": [], "source": 42}""",
        "code cell 2 (cell 2 of 3): 'source' must be a string or an array of strings")]
    [InlineData("""{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["var a = 1;\n", 7]}""",
        "code cell 2 (cell 2 of 3): 'source' must be a string or an array of strings")]
    [InlineData("""{"cell_type": "markdown", "metadata": {}}""",
        "cell 2 of 3: 'source' must be a string or an array of strings")]
    [InlineData("""{"metadata": {}, "outputs": [], "source": "var a = 1;"}""",
        "cell 2 of 3: 'cell_type' is missing (code, markdown or raw)")]
    [InlineData("""{"cell_type": 5, "source": "var a = 1;"}""",
        "cell 2 of 3: 'cell_type' must be code, markdown or raw, not 5")]
    [InlineData("""{"cell_type": "code", "metadata": 5, "outputs": [], "source": "var a = 1;"}""",
        "code cell 2 (cell 2 of 3): 'metadata' must be an object")]
    [InlineData("7", "cell 2 of 3: must be a JSON object")]
    public async Task AMalformedCellFailsItsNotebookNamingTheCell(string cell, string problem)
    {
        var path = Path.Combine(TestPaths.TempDir(), "bad.ipynb");
        File.WriteAllText(path, NotebookJson($"[{GoodCell}, {cell}, {GoodCell}]"));

        var r = await NotebookRunner.RunAsync(path);

        Assert.False(r.Succeeded);
        Assert.Equal($"{path}: {problem}", r.Problem);
        Assert.Equal(r.Problem, r.FailureMessage);
        Assert.Null(r.Executed);
        Assert.Empty(r.Cells);
    }

    [Theory]
    [InlineData("{}", "'cells' must be an array")]
    [InlineData("\"cells\"", "'cells' must be an array")]
    public async Task CellsThatAreNotAnArrayFailTheNotebook(string cells, string problem)
    {
        var path = Path.Combine(TestPaths.TempDir(), "bad.ipynb");
        File.WriteAllText(path, NotebookJson(cells));

        Assert.Equal($"{path}: {problem}", (await NotebookRunner.RunAsync(path)).Problem);
    }

    [Fact]
    public async Task ANotebookThatIsNotValidJSONFailsNamingLineAndColumn()
    {
        var path = Path.Combine(TestPaths.TempDir(), "broken.ipynb");
        File.WriteAllText(path, "{\n \"cells\": [],\n \"metadata\": {\"é\": 1},,\n \"nbformat\": 4\n}\n");

        var r = await NotebookRunner.RunAsync(path);

        Assert.False(r.Succeeded);
        // Columns count characters, not bytes (é is two bytes in UTF-8).
        Assert.StartsWith($"{path}: not valid JSON at line 3, column 23: ", r.Problem);
        Assert.DoesNotContain("BytePositionInLine", r.Problem);
    }

    [Theory]
    [InlineData("""{"kernelspec": {"language": "python", "name": "python3"}, "language_info": {"name": "python"}}""",
        "python3")]
    [InlineData("""{"language_info": {"name": "python"}}""", "python")]
    [InlineData("""{"kernelspec": {"name": "ir", "language": "R"}}""", "ir")]
    public async Task ANotebookOfAnotherLanguageIsNotRunAsCSharp(string metadata, string kernel)
    {
        var path = Path.Combine(TestPaths.TempDir(), "python.ipynb");
        File.WriteAllText(path, $$$"""
            {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": ["print('hello')"]}],
             "metadata": {{{metadata}}}, "nbformat": 4, "nbformat_minor": 5}
            """);

        var r = await NotebookRunner.RunAsync(path);

        Assert.False(r.Succeeded);
        Assert.StartsWith($"{path} is not a C# notebook (kernel: {kernel})", r.Problem);
        Assert.Empty(r.Cells);
    }

    [Theory]
    [InlineData("""{"kernelspec": {"name": ".net-csharp"}}""")]
    [InlineData("""{"kernelspec": {"name": ".net-fsharp"}, "language_info": {"name": "F#"}}""")]
    [InlineData("""{"language_info": {"name": "polyglot-notebook"}}""")]
    [InlineData("{}")]
    public void PolyglotNotebooksAndOnesWithoutAKernelAreRun(string metadata)
    {
        var path = Path.Combine(TestPaths.TempDir(), "nb.ipynb");
        File.WriteAllText(path, $$$"""{"cells": [], "metadata": {{{metadata}}}, "nbformat": 4, "nbformat_minor": 2}""");

        Assert.Null(NotebookDocument.Load(path).NotCSharp);
    }

    [Fact]
    public async Task ACellThatRunsTooLongFailsNamingTheTimeoutAndStopsItsNotebook()
    {
        var path = TestPaths.WriteNotebook(TestPaths.TempDir(), "slow.ipynb",
            "Console.WriteLine(\"waiting\");\nSystem.Threading.Thread.Sleep(1500);\n" +
            "Console.WriteLine(\"too late\");\n" +
            "System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);",
            "Console.WriteLine(\"never\");");
        var echo = new StringWriter();

        // Returns at all: the cell sleeps forever.
        var r = await NotebookRunner.RunAsync(path, new RunOptions
        {
            CellTimeout = TimeSpan.FromSeconds(0.5), ContinueOnError = true, Echo = TextWriter.Synchronized(echo),
        });

        var slow = r.Cells[0];
        Assert.Equal((CellStatus.Failed, true), (slow.Status, slow.TimedOut));
        // Even with ContinueOnError: the cell's thread is still going.
        Assert.Equal(CellStatus.NotRun, r.Cells[1].Status);
        Assert.Equal(
            $"{path}: code cell 1 (cell 1 of 2) \"Console.WriteLine(\"waiting\");\": " +
            "did not finish within the cell timeout of 0.5 s (--cell-timeout), " +
            "so it was stopped and the rest of the notebook was not run",
            r.FailureMessage);
        var outputs = Outputs(r, 1).Select(o => o!).ToList();       // the executed notebook, up to the timeout
        Assert.Equal(("stream", "waiting\n"), ((string)outputs[0]["output_type"]!, Text(outputs[0]["text"])));
        Assert.Equal(("error", "TimeoutException"), ((string)outputs[1]["output_type"]!, (string)outputs[1]["ename"]!));

        await Task.Delay(2000);                                      // the abandoned thread writes "too late" now
        Assert.DoesNotContain("too late", echo.ToString());
        Assert.DoesNotContain("too late", slow.Output);
    }
}
