using System.Text;
using TransformerCourse.Data;
using TransformerCourse.Recipes;
using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Recipes;

public class DatasetFilesTests
{
    [Fact]
    public void CommittedFilesEqualRegeneratedOnesByteForByte()
    {
        var rendered = DatasetFiles.Render();
        Assert.Equal(6, rendered.Count);
        foreach (var (relativePath, text) in rendered)
        {
            string path = Path.Combine(RepoPaths.Datasets, relativePath);
            Assert.True(File.Exists(path), $"{path} is missing; run: dotnet run scripts/make_datasets.cs");
            byte[] committed = File.ReadAllBytes(path);
            Assert.True(committed.AsSpan().SequenceEqual(new UTF8Encoding(false).GetBytes(text)),
                $"datasets/{relativePath} differs from the generator's output; " +
                "run: dotnet run scripts/make_datasets.cs");
        }
    }

    [Fact]
    public void CommittedFilesAreSmall() =>
        Assert.InRange(DatasetFiles.Render().Sum(f => Encoding.UTF8.GetByteCount(f.Text)), 100_000, 500_000);

    [Fact]
    public void LoadingTheCommittedFilesGivesTheGeneratedSplits()
    {
        var koEn = DatasetSplits.Load(Path.Combine(RepoPaths.Datasets, "ko-en"));
        Assert.Equal(KoEnDataset.Create(), koEn, new SplitsComparer());
        var dates = DatesDataset.Create();
        Assert.Equal(dates.Valid, TsvFile.Read(Path.Combine(RepoPaths.Datasets, "dates", "valid.tsv")));
        Assert.Equal(dates.Test, TsvFile.Read(Path.Combine(RepoPaths.Datasets, "dates", "test.tsv")));
    }

    [Fact]
    public void WriteAllWritesEveryFile()
    {
        using var temp = new TempFolder();
        var written = DatasetFiles.WriteAll(temp.Path);
        Assert.Equal(6, written.Count);
        Assert.Equal(KoEnDataset.Create().Train, TsvFile.Read(Path.Combine(temp.Path, "ko-en", "train.tsv")));
    }
}
