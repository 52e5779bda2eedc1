namespace TransformerCourse.Tests.Support;

/// <summary>Finds the repository's folders from the test output folder (bin/…), so tests can
/// read the committed data.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Datasets => Path.Combine(Root, "datasets");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TransformerCourse.sln"))
                && Directory.Exists(Path.Combine(dir.FullName, "datasets")))
                return dir.FullName;
        throw new DirectoryNotFoundException(
            $"no folder above {AppContext.BaseDirectory} holds TransformerCourse.sln and datasets/");
    }
}

/// <summary>A temporary folder deleted at the end of a test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tc-data-").FullName;

    public string File(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
