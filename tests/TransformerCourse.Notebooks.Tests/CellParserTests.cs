namespace TransformerCourse.Notebooks.Tests;

public class CellParserTests
{
    [Theory]
    [InlineData("\"nuget: MathNet.Numerics, 5.0.0\"", "MathNet.Numerics", "5.0.0")]
    [InlineData("\"nuget:MathNet.Numerics,5.0.0\"", "MathNet.Numerics", "5.0.0")]
    [InlineData("\"nuget: Plotly.NET\"", "Plotly.NET", "")]
    [InlineData("\"nuget: Some.Package, 1.0.0-beta.2\"", "Some.Package", "1.0.0-beta.2")]
    [InlineData("\"nuget: X, *-*\"", "X", "*-*")]
    public void PackageReferencesParseAsInTheKernel(string argument, string name, string version) =>
        Assert.Equal(new PackageRef(name, version), PackageRef.TryParse(argument));

    [Theory]
    [InlineData("\"nuget:\"")]
    [InlineData("\"file.dll\"")]
    public void NonPackageArgumentsAreNotPackages(string argument) => Assert.Null(PackageRef.TryParse(argument));

    [Fact]
    public void DirectivesLeaveBlankLinesSoLineNumbersStay()
    {
        var parsed = CellParser.Parse("#r \"nuget: A, 1.0\"\n#i \"nuget: https://feed/index.json\"\n#!time\n" +
            "var x = 1;\n#r \"lib.dll\"", "csharp");

        Assert.Equal("\n\n\nvar x = 1;\n#r \"lib.dll\"", parsed.CSharpCode);
        Assert.Equal([new PackageRef("A", "1.0")], parsed.Packages);
        Assert.Equal(["https://feed/index.json"], parsed.Sources);
        Assert.True(parsed.Time);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void KernelSelectorsSplitACell()
    {
        var parsed = CellParser.Parse("#!markdown\n# Title\n#!csharp\nvar y = 2;\n#!fsharp\nlet z = 3", "csharp");

        Assert.Equal("\n\n\nvar y = 2;\n\n", parsed.CSharpCode);
        Assert.Equal([("markdown", "# Title\n"), ("fsharp", "let z = 3\n")], parsed.OtherKernels);
        Assert.True(parsed.HasCSharp);
    }

    [Fact]
    public void ACellOfAnotherKernelHasNoCsharp() =>
        Assert.False(CellParser.Parse("printfn \"hi\"", "fsharp").HasCSharp);

    [Fact]
    public void UnknownMagicIsAnErrorNamingIt()
    {
        var error = Assert.Single(CellParser.Parse("var a = 1;\n#!lsmagic", "C#").Errors);
        Assert.Equal(2, error.Line);
        Assert.StartsWith("unsupported magic command #!lsmagic", error.Message);
    }

    [Fact]
    public void ExerciseMarkersAndSolutions()
    {
        Assert.Equal("01.2", Exercises.StubId("\n// Exercise 01.2: softmax\nfoo"));
        Assert.Equal("01.2", Exercises.CheckId("// Check 01.2"));
        Assert.Null(Exercises.StubId("var a = 1; // Exercise 01.2"));

        var file = Path.Combine(TestPaths.TempDir(), "s.csx");
        File.WriteAllText(file,
            "// header comment\n\n// Exercise A: one\nint One() => 1;\n\n// Exercise B\nint Two() => 2;\n");
        var solutions = Exercises.LoadSolutions(file);
        Assert.Equal("// Exercise A: one\nint One() => 1;\n", solutions["A"]);
        Assert.Equal("// Exercise B\nint Two() => 2;\n", solutions["B"]);
    }
}
