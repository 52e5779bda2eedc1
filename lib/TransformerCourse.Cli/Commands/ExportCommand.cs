using Spectre.Console;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course export &lt;notebook&gt; [-o file.cs]</c>: writes the notebook as a C# file-based app that
/// <c>dotnet run file.cs</c> executes (default <c>out/export/&lt;name&gt;.cs</c>).
/// </summary>
public sealed class ExportCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "export";

    /// <inheritdoc />
    public string Usage =>
        "export <notebook.ipynb> [-o FILE.cs] [--solutions]   write the notebook as a C# file-based app (dotnet run " +
            "FILE.cs)";

    /// <inheritdoc />
    public Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow("--out FILE.cs", "-o FILE.cs", "--solutions");
        if (args.Positionals.Count != 1) throw new UsageException("give exactly one notebook");
        var path = args.Positionals[0];
        if (!File.Exists(path)) throw new FileNotFoundException($"no such notebook: {path}");
        var output = args.Options.GetValueOrDefault("--out")
                     ?? Path.Combine(NotebookFiles.OutputFolder(path, null, "export"),
                         Path.GetFileNameWithoutExtension(path) + ".cs");
        if (Path.GetFullPath(output) == Path.GetFullPath(path))
            throw new UsageException($"-o {output} is the notebook itself; export writes C#, give another file name");
        var solutions =
            args.Flags.Contains("--solutions") ? Exercises.LoadSolutions(Exercises.SolutionsPath(path)) : null;
        NotebookExporter.Export(path, output, solutions);
        var shown = NotebookFiles.Display(output);
        console.MarkupLineInterpolated($"wrote {shown}; run it with: dotnet run {shown}");
        return Task.FromResult(0);
    }
}
