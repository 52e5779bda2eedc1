namespace TransformerCourse.Data;

/// <summary>
/// A data set cut into three disjoint parts: <see cref="Train"/> to fit the model, <see cref="Valid"/> to choose
/// when to stop and which settings to keep, and <see cref="Test"/>, held out and looked at once, to report the result.
/// </summary>
/// <param name="Train">The training pairs.</param>
/// <param name="Valid">The validation pairs.</param>
/// <param name="Test">The held-out test pairs.</param>
public sealed record DatasetSplits(IReadOnlyList<TextPair> Train, IReadOnlyList<TextPair> Valid,
    IReadOnlyList<TextPair> Test)
{
    /// <summary>The file names used for the three splits in a data set folder.</summary>
    public static readonly (string Name, string File)[] Files = [("train", "train.tsv"), ("valid", "valid.tsv"),
        ("test", "test.tsv")];

    /// <summary>
    /// Reads <c>train.tsv</c>, <c>valid.tsv</c> and <c>test.tsv</c> from <paramref name="directory"/>
    /// (e.g. <c>datasets/ko-en</c>) with <see cref="TsvFile.Read"/>; a malformed line throws naming its file and line.
    /// </summary>
    public static DatasetSplits Load(string directory) =>
        new(TsvFile.Read(Path.Combine(directory, "train.tsv")),
            TsvFile.Read(Path.Combine(directory, "valid.tsv")),
            TsvFile.Read(Path.Combine(directory, "test.tsv")));
}
