using System.Diagnostics;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>The one folder notebooks load the course's assemblies from, and the build before every run.</summary>
public class ReferencedProjectsTests
{
    private static readonly string[] CourseAssemblies =
        ["TransformerCourse.dll", "TransformerCourse.Display.dll", "TransformerCourse.Recipes.dll",
            "TransformerCourse.Pretrained.dll"];

    [Theory]
    [MemberData(nameof(TestPaths.CourseNotebooks), MemberType = typeof(TestPaths))]
    public void EveryCourseNotebookLoadsTheCourseAssembliesFromLibBin(string name)
    {
        var references = ReferencedProjects.DllReferences(TestPaths.CourseNotebook(name));

        Assert.Contains(Path.Combine(TestPaths.RepoRoot, "lib", "bin", "TransformerCourse.dll"), references);
        Assert.Contains(Path.Combine(TestPaths.RepoRoot, "lib", "bin", "TransformerCourse.Display.dll"), references);
        Assert.All(references, dll =>
        {
            Assert.Equal(Path.Combine(TestPaths.RepoRoot, "lib", "bin"), Path.GetDirectoryName(dll));
            Assert.Contains(Path.GetFileName(dll), CourseAssemblies);
        });
    }

    [Theory]
    [InlineData("TransformerCourse")]
    [InlineData("TransformerCourse.Display")]
    [InlineData("TransformerCourse.Recipes")]
    [InlineData("TransformerCourse.Pretrained")]
    public void TheProjectBehindADllInLibBinIsFoundBesideIt(string project)
    {
        var dll = Path.Combine(TestPaths.RepoRoot, "lib", "bin", project + ".dll");

        Assert.Equal(Path.Combine(TestPaths.RepoRoot, "lib", project, project + ".csproj"),
            ReferencedProjects.ProjectFor(dll));
    }

    [Fact]
    public void ADllNoProjectBuildsHasNoProject() =>
        Assert.Null(ReferencedProjects.ProjectFor(Path.Combine(TestPaths.TempDir(), "bin", "Nowhere.dll")));

    [Fact]
    public async Task AnEditedLibraryFileShowsUpInTheNextCourseRunLoadedFromLibBin()
    {
        // A copy of the library's and display helpers' sources: course run builds them there and fills the copy's
        // lib/bin/. The course command carries a TransformerCourse.dll of its own (its train command uses the
        // library); a cell must still bind to the copy's lib/bin/TransformerCourse.dll, the file the notebook #r's.
        var sandbox = TestPaths.SandboxWithSources("TransformerCourse", "TransformerCourse.Display");
        var probe = Path.Combine(sandbox, "lib", "TransformerCourse", "Probe.cs");
        var notebooks = Directory.CreateDirectory(Path.Combine(sandbox, "notebooks")).FullName;
        var notebook = TestPaths.WriteNotebook(notebooks, "probe.ipynb",
            "#r \"../lib/bin/TransformerCourse.dll\"\n#r \"../lib/bin/TransformerCourse.Display.dll\"",
            "Console.WriteLine(TransformerCourse.Probe.Text);",
            "foreach (var type in new[] { typeof(TransformerCourse.Rng), typeof(TransformerCourse.Display.Plots) })\n" +
            "    Console.WriteLine(\"loaded from \" + type.Assembly.Location);");
        var libBin = Path.Combine(sandbox, "lib", "bin");

        WriteProbe(probe, "first build");
        var (exit, output) = await RunCourse("run", notebook, "--out", TestPaths.TempDir());
        Assert.True(exit == 0, output);
        Assert.Contains("first build\n", output);
        Assert.Equal(["MathNet.Numerics.dll", "TransformerCourse.Display.dll", "TransformerCourse.dll"],
            Directory.EnumerateFiles(libBin, "*.dll").Select(Path.GetFileName).Order());
        var loaded = output.Split('\n').Where(l => l.StartsWith("loaded from ", StringComparison.Ordinal))
            .Select(l => l["loaded from ".Length..].Trim()).ToList();
        Assert.Equal([Path.Combine(libBin, "TransformerCourse.dll"), Path.Combine(libBin,
            "TransformerCourse.Display.dll")], loaded);

        WriteProbe(probe, "second build");
        (exit, output) = await RunCourse("run", notebook, "--out", TestPaths.TempDir());
        Assert.True(exit == 0, output);
        Assert.Contains("second build\n", output);
        Assert.DoesNotContain("first build", output);
    }

    private static void WriteProbe(string path, string text) => File.WriteAllText(path, $$"""
        namespace TransformerCourse;

        /// <summary>Written by the test that edits a file of the library.</summary>
        public static class Probe
        {
            /// <summary>What this build says.</summary>
            public static string Text => "{{text}}";
        }
        """);

    /// <summary>The course command in its own process, as a learner runs it (a fresh
    /// process loads the new DLL).</summary>
    private static async Task<(int Exit, string Output)> RunCourse(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "course.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
