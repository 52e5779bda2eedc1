namespace TransformerCourse.Notebooks.Tests;

/// <summary>Files are written whole or not at all, and a failure names the path and keeps the old copy.</summary>
public class AtomicFileTests
{
    [Fact]
    public void AFullDiskHalfWayKeepsThePreviousCopyAndNamesThePath()
    {
        var path = Path.Combine(TestPaths.TempDir(), "executed.ipynb");
        File.WriteAllText(path, "the previous good copy");

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new IOException("No space left on device");      // what a full disk does to a write
        }));

        Assert.Equal($"cannot write {path}: No space left on device; the previous copy is kept", e.Message);
        Assert.Equal("the previous good copy", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));      // no temporary file left behind
    }

    [Fact]
    public void APathUnderAFileIsRefusedNamingBoth()
    {
        var file = Path.Combine(TestPaths.TempDir(), "not-a-folder");
        File.WriteAllText(file, "x");
        var path = Path.Combine(file, "nb.ipynb");

        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, "{}"));

        Assert.Equal($"cannot write {path}: {file} is a file, not a folder", e.Message);
    }

    [Fact]
    public void AWriteReplacesTheFileWhole()
    {
        var path = Path.Combine(TestPaths.TempDir(), "a.txt");
        File.WriteAllText(path, "old and longer");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
    }
}
