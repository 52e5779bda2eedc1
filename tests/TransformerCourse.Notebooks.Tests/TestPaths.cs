using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>Where the fixtures, the repository and its notebooks are.</summary>
internal static class TestPaths
{
    private static readonly object tinyGate = new();

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);

    public static string RepoRoot { get; } = FindRoot();

    public static IEnumerable<object[]> CourseNotebooks() =>
        Directory.EnumerateFiles(Path.Combine(RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
            .Select(p => new object[] { Path.GetFileName(p) });

    public static string CourseNotebook(string name) => Path.Combine(RepoRoot, "notebooks", name);

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "course-tests", Path.GetRandomFileName());
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>
    /// A new temporary folder holding the repository's build files and the sources (no bin/, obj/) of the given
    /// projects under lib/: builds there never touch the DLLs that notebooks and kernels load from lib/bin/.
    /// </summary>
    public static string SandboxWithSources(params string[] projects)
    {
        var sandbox = Path.Combine(Path.GetTempPath(), $"tc-sandbox-{Guid.NewGuid():N}");
        Directory.CreateDirectory(sandbox);
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets",
            "Directory.Packages.props", "global.json" })
            File.Copy(Path.Combine(RepoRoot, name), Path.Combine(sandbox, name));
        foreach (var project in projects)
        {
            var libSource = Path.Combine(RepoRoot, "lib", project);
            foreach (var source in Directory.EnumerateFiles(libSource, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(libSource, source);
                if (relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
                var target = Path.Combine(sandbox, "lib", project, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(source, target);
            }
        }
        return sandbox;
    }

    /// <summary>fixtures/tiny/Tiny.dll for the #r "file.dll" test, compiled here so no binary is committed.</summary>
    public static void EnsureTinyDll()
    {
        lock (tinyGate)
        {
            var path = Fixture("tiny/Tiny.dll");
            if (File.Exists(path)) return;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var tree = CSharpSyntaxTree.ParseText("namespace Tiny " +
                "{ public static class Answer { public const int Value = 40; } }");
            var compilation = CSharpCompilation.Create("Tiny", [tree],
                [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var emitted = compilation.Emit(path);
            Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        }
    }

    /// <summary>A package id no feed has: the missing-package tests must not depend on what a feed serves.</summary>
    public const string NoSuchPackage = "TransformerCourse.NoSuchPackage.Zz9";

    /// <summary>
    /// A nuget.config in a new temporary folder whose only package source is <paramref name="source"/>
    /// (<c>&lt;clear/&gt;</c> drops the machine's sources).
    /// </summary>
    public static string NuGetConfig(string source)
    {
        var path = Path.Combine(TempDir(), "nuget.config");
        var insecure = source.StartsWith("http:", StringComparison.Ordinal) ? " allowInsecureConnections=\"true\"" : "";
        File.WriteAllText(path, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="test" value="{source}"{insecure} />
              </packageSources>
            </configuration>
            """);
        return path;
    }

    /// <summary>A nuget.config whose only source is an empty folder: every package is "not found" (NU1101).</summary>
    public static string EmptyFeedConfig() =>
        NuGetConfig(Directory.CreateDirectory(Path.Combine(TempDir(), "feed")).FullName);

    /// <summary>A nuget.config whose only source is a closed port on this machine: "unreachable" (NU1301).</summary>
    public static string UnreachableFeedConfig() => NuGetConfig("http://127.0.0.1:9/index.json");

    /// <summary>A restorer with its own cache that restores with <paramref name="configFile"/>.</summary>
    public static PackageRestorer Restorer(string configFile) => new(Path.Combine(TempDir(), "cache"), configFile);

    /// <summary>Writes a one-off notebook with the given C# cells.</summary>
    public static string WriteNotebook(string dir, string name, params string[] cells)
    {
        var json = new JsonObject
        {
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = c,
            }).ToArray()),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "TransformerCourse.sln"))) return dir;
        throw new InvalidOperationException("TransformerCourse.sln not found above " + AppContext.BaseDirectory);
    }
}
