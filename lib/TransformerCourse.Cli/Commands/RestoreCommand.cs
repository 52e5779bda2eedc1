using Spectre.Console;
using TransformerCourse.Runner;

namespace TransformerCourse.Cli;

/// <summary>
/// <c>course restore &lt;notebook|folder&gt;…</c>: restores every notebook's <c>#r "nuget:"</c> packages ahead of
/// time (into the runner's cache and the NuGet cache the Polyglot kernel also reads) and says which ones this
/// machine cannot get. Missing packages are reported, not an error: their cells are skipped when run.
/// </summary>
public sealed class RestoreCommand : ICourseCommand
{
    /// <inheritdoc />
    public string Name => "restore";

    /// <inheritdoc />
    public string Usage =>
        "restore <notebook.ipynb|folder>... [--nuget-config FILE]   " +
        "restore the notebooks' #r \"nuget:\" packages ahead of time";

    /// <inheritdoc />
    public async Task<int> RunAsync(CommandArgs args, IAnsiConsole console, CancellationToken cancel)
    {
        args.Allow("--nuget-config FILE");
        var restorer = PackageRestorer.WithConfig(NotebookFiles.NuGetConfig(args));
        var exit = 0;
        foreach (var path in NotebookFiles.Expand(args.Positionals))
        {
            NotebookDocument notebook;
            try
            {
                notebook = NotebookDocument.Load(path);
                if (notebook.NotCSharp is { } notCSharp) throw new InvalidDataException(notCSharp);
            }
            catch (InvalidDataException e)
            {
                console.Profile.Out.Writer.WriteLine($"✘ {e.Message}");
                exit = 1;
                continue;
            }
            var packages = new List<PackageRef>();
            var sources = new List<string>();
            foreach (var cell in notebook.Cells.Where(c => c.CellType == "code"))
            {
                var parsed = CellParser.Parse(cell.Source, cell.KernelName);
                sources.AddRange(parsed.Sources.Except(sources));
                foreach (var p in parsed.Packages.Where(p => !packages.Any(q => q.Name.Equals(p.Name,
                    StringComparison.OrdinalIgnoreCase))))
                {
                    // Restore each package on top of those before it, as running the cells would.
                    var result = await restorer.RestoreAsync([.. packages, p], sources, cancel);
                    if (result.Succeeded)
                    {
                        packages.Add(p);
                        console.MarkupLineInterpolated($"[green]✔[/] {Path.GetFileName(path)}: {p}");
                    }
                    else
                    {
                        var (name, why) = (Path.GetFileName(path), result.Problem);
                        console.MarkupLineInterpolated(
                            $"[yellow]✘ {name}: {p} cannot be restored: {why}; its cells will be skipped[/]");
                    }
                }
            }
        }
        return exit;
    }
}
