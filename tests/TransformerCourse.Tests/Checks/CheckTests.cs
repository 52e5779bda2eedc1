using TransformerCourse.Checks;

namespace TransformerCourse.Tests.Checks;

/// <summary>
/// The exercise checks notebooks call (the library's <c>Check</c>): a right answer passes,
/// a wrong one fails naming expected and actual (NaN, ±∞ and shapes included, entry by entry), an
/// unsolved stub (NotImplementedException) says "not done yet". (The notebook-facing output is tested in
/// TransformerCourse.Notebooks.Tests/CheckApiTests.cs.)
/// </summary>
public class CheckTests
{
    [Fact]
    public void ClosePassesWithinTheToleranceAndFailsNamingBothValues()
    {
        Assert.True(Check.Close("t.1", () => 0.1 + 0.2, 0.3, 1e-12).Passed);
        var wrong = Check.Close("t.2", () => 0.5, 0.3, 1e-12);
        Assert.False(wrong.Passed);
        Assert.Contains("0.3", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("0.5", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AStubThatThrowsIsNotDoneYetAndEqualAndThatWork()
    {
        var stub = Check.Equal<int>("t.3", () => throw new NotImplementedException(), 4);
        Assert.False(stub.Passed);
        Assert.Contains("not done yet", stub.Message, StringComparison.Ordinal);
        Assert.True(Check.Equal("t.4", () => 2 + 2, 4).Passed);
        Assert.False(Check.That("t.5", () => false, "a condition").Passed);
        Assert.True(Check.That("t.6", () => true, "a condition").Passed);
    }

    private static readonly MathNet.Numerics.LinearAlgebra.VectorBuilder<double> V =
        MathNet.Numerics.LinearAlgebra.Vector<double>.Build;

    private static readonly MathNet.Numerics.LinearAlgebra.MatrixBuilder<double> M =
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build;

    [Fact]
    public void ANaNAmongFiniteEntriesFailsNamingTheEntry()
    {
        // .NET's Max skips NaN unless every entry is NaN: [NaN, 1] vs [5, 1] once passed.
        var r = Check.Close("t.7", () => V.Dense([double.NaN, 1.0]), V.Dense([5.0, 1.0]));
        Assert.False(r.Passed);
        Assert.Equal("expected [5, 1], got [NaN, 1]; entry [0] is NaN where 5 was expected", r.Message);
        var m = Check.Close("t.8", () => M.DenseOfArray(new[,] { { 1.0, 2 }, { 3, double.NaN } }),
            M.DenseOfArray(new[,] { { 1.0, 2 }, { 3, 0 } }), 0);
        Assert.Equal("expected [[1, 2], [3, 0]], got [[1, 2], [3, NaN]]; entry [1, 1] is NaN where 0 was expected",
            m.Message);
        Assert.False(Check.Close("t.9", () => double.NaN, 0.0, 1e300).Passed);
    }

    [Fact]
    public void InfinitiesMatchOnlyTheSameInfinity()
    {
        var inf = double.PositiveInfinity;
        var r = Check.Close("t.10", () => V.Dense([inf, 0.5]), V.Dense([0.5, 0.5]), 1e300);
        Assert.Equal("expected [0.5, 0.5], got [Infinity, 0.5]; entry [0] is Infinity where 0.5 was expected " +
                     "(an infinity is never close to a finite number)", r.Message);
        var s = Check.Close("t.11", () => V.Dense([0.0, -1e308]),
            V.Dense([0.0, double.NegativeInfinity]), 1e300);
        Assert.Equal("expected [0, -Infinity], got [0, -1E+308]; entry [1] is -1E+308 where -Infinity was expected " +
                     "(only the same infinity matches an infinity)", s.Message);
        Assert.False(Check.Close("t.12", () => V.Dense([inf]), V.Dense([-inf])).Passed);
        Assert.True(Check.Close("t.13", () => V.Dense([-inf, 1.0]), V.Dense([-inf, 1.0]), 0).Passed);
        Assert.True(Check.Close("t.14", () => inf, inf, 0).Passed);
        Assert.False(Check.Close("t.15", () => 1e308, inf, 1e300).Passed);
        // A mask drawn with NaN for "neither 0 nor −∞" no longer hides behind the other entries.
        Assert.False(Check.Close("t.16", () => M.DenseOfArray(new[,] { { 1.0, double.NaN } }),
            M.DenseOfArray(new[,] { { 1.0, 0 } }), 0).Passed);
    }

    [Fact]
    public void ShapesAndLengthsMustMatch()
    {
        Assert.Equal("expected a vector of length 2, got length 3: [5, 1, 0]",
            Check.Close("t.17", () => V.Dense([5.0, 1, 0]), V.Dense([5.0, 1])).Message);
        Assert.Equal("expected a 1×2 matrix, got 2×1: [[1], [0]]",
            Check.Close("t.18", () => M.DenseOfArray(new[,] { { 1.0 }, { 0 } }),
                M.DenseOfArray(new[,] { { 1.0, 0 } })).Message);
        var seq = Check.Exercise("t.19", c => c.Close(() => new[] { 1.0, 2 }, new[] { 1.0, 2, 3 }));
        Assert.Equal("expected a vector of length 3, got length 2: [1, 2]", seq.Message);
        var nanSeq = Check.Exercise("t.20", c => c.Close(() => new[] { double.NaN, 1 }, new[] { 5.0, 1 }));
        Assert.Equal("expected [5, 1], got [NaN, 1]; entry [0] is NaN where 5 was expected", nanSeq.Message);
    }

    [Fact]
    public void EqualComparesSequencesItemByItem()
    {
        Assert.True(Check.Equal("t.21", () => new[] { 2, 0, 4 }, new[] { 2, 0, 4 }).Passed);
        Assert.Equal("expected [2, 0, 4], got [2, 0]; 2 items where 3 were expected",
            Check.Equal("t.22", () => new[] { 2, 0 }, new[] { 2, 0, 4 }).Message);
        Assert.Equal("expected [1, 5], got [1, NaN]; item [1] is NaN where 5 was expected",
            Check.Equal("t.23", () => new[] { 1, double.NaN }, new[] { 1, 5.0 }).Message);
        Assert.False(Check.Equal("t.24", () => double.NaN, 5.0).Passed);
    }
}
