using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Recipes;

/// <summary>
/// The committed files under datasets/, made from the generators with their default seeds:
/// dates/sample.tsv, dates/valid.tsv, dates/test.tsv, ko-en/train.tsv, ko-en/valid.tsv, ko-en/test.tsv.
/// <c>dotnet run scripts/make_datasets.cs</c> writes them; a test checks that the committed files equal
/// <see cref="Render"/> byte for byte.
/// </summary>
public static class DatasetFiles
{
    /// <summary>Each committed file's path relative to datasets/ (with '/') and its exact text (UTF-8,
    /// '\n' line ends).</summary>
    public static IReadOnlyList<(string RelativePath, string Text)> Render()
    {
        var dates = DatesDataset.Create();
        var koEn = KoEnDataset.Create();
        return
        [
            ("dates/sample.tsv", TsvFile.Format(DatesDataset.Sample())),
            ("dates/valid.tsv", TsvFile.Format(dates.Valid)),
            ("dates/test.tsv", TsvFile.Format(dates.Test)),
            ("ko-en/train.tsv", TsvFile.Format(koEn.Train)),
            ("ko-en/valid.tsv", TsvFile.Format(koEn.Valid)),
            ("ko-en/test.tsv", TsvFile.Format(koEn.Test)),
        ];
    }

    /// <summary>Writes every file of <see cref="Render"/> under <paramref name="datasetsDirectory"/>; returns
    /// the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string datasetsDirectory)
    {
        var written = new List<string>();
        foreach (var (relativePath, text) in Render())
        {
            string path = Path.Combine(datasetsDirectory, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text, new System.Text.UTF8Encoding(false));
            written.Add(path);
        }
        return written;
    }
}
