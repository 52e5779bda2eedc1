using TransformerCourse.Data;

namespace TransformerCourse.Tests.Support;

/// <summary>Two splits are equal when their three lists are equal element by element.</summary>
internal sealed class SplitsComparer : IEqualityComparer<DatasetSplits>
{
    public bool Equals(DatasetSplits? x, DatasetSplits? y) =>
        x != null && y != null
        && x.Train.SequenceEqual(y.Train) && x.Valid.SequenceEqual(y.Valid) && x.Test.SequenceEqual(y.Test);

    public int GetHashCode(DatasetSplits obj) => obj.Train.Count;
}
