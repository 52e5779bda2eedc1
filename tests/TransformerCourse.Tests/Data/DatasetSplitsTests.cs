using TransformerCourse.Data;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Data;

/// <summary>Loading the committed splits: the loader notebooks use for the ko→en corpus.</summary>
public class DatasetSplitsTests
{
    [Fact]
    public void LoadReadsTheCommittedKoEnFiles()
    {
        var splits = DatasetSplits.Load(Path.Combine(RepoPaths.Datasets, "ko-en"));
        Assert.Equal((4000, 500, 500), (splits.Train.Count, splits.Valid.Count, splits.Test.Count));
        Assert.Equal(new TextPair("나는 학생입니다", "I am a student"), splits.Test[0]);
        Assert.Empty(splits.Train.Select(p => p.Source).Intersect(splits.Test.Select(p => p.Source)));
        Assert.Equal(["train.tsv", "valid.tsv", "test.tsv"], DatasetSplits.Files.Select(f => f.File));
    }

    [Fact]
    public void LoadNamesAMissingFile()
    {
        using var temp = new TempFolder();
        temp.File("train.tsv", "a\tb\n");
        temp.File("valid.tsv", "c\td\n");
        var e = Assert.ThrowsAny<IOException>(() => DatasetSplits.Load(temp.Path));
        Assert.Contains("test.tsv", e.Message, StringComparison.Ordinal);
    }
}
