using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>The CBLAS library the native tests run against: the first of the default candidates that loads.</summary>
static class NativeBlas
{
    static readonly Lazy<(CblasLibrary? Library, string SkipReason)> Found = new(() =>
    {
        var tried = new List<string>();
        foreach (var candidate in Acceleration.DefaultCandidates)
        {
            if (CblasLibrary.TryLoad(candidate, out var library, out var whyNot)) return (library, "");
            tried.Add($"{candidate}: {whyNot}");
        }
        return (null, "No CBLAS library installed (MKL, OpenBLAS or Accelerate); install libopenblas0-pthread "
            + $"(.ci/run does) to run the native tests. Tried: {string.Join("; ", tried)}");
    });

    public static CblasLibrary? Library => Found.Value.Library;
    public static string SkipReason => Found.Value.SkipReason;

    /// <summary>A fresh provider over the test library (not installed as MathNet's provider).</summary>
    public static CblasLinearAlgebraProvider Provider() =>
        new(Library ?? throw new InvalidOperationException(SkipReason));
}

/// <summary>A fact that needs a native CBLAS library; skipped, with the reason, when there is none.</summary>
sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute()
    {
        if (NativeBlas.Library is null) Skip = NativeBlas.SkipReason;
    }
}

/// <summary>A theory that needs a native CBLAS library; skipped, with the reason, when there is none.</summary>
sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute()
    {
        if (NativeBlas.Library is null) Skip = NativeBlas.SkipReason;
    }
}

/// <summary>
/// Tests that change MathNet's process-wide provider (<c>LinearAlgebraControl.Provider</c>) run in this
/// collection, alone: xunit runs it after the parallel tests, so no other test sees a provider it did not expect.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MathNetProviderCollection
{
    public const string Name = "MathNet provider (process-wide)";
}

static class Compare
{
    /// <summary>max_i |actual[i] − expected[i]| ≤ tolerance · max(1, max_i |expected[i]|), with a message naming the worst index.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1, worst = 0;
        int at = -1;
        for (var i = 0; i < expected.Length; i++) scale = Math.Max(scale, Math.Abs(expected[i]));
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(d)) d = double.PositiveInfinity;
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst <= tolerance * scale,
            $"{what}: |Δ| = {worst:E3} at [{at}] (expected {(at >= 0 ? expected[at] : 0)}, got {(at >= 0 ? actual[at] : 0)}), allowed {tolerance * scale:E3}");
    }

    public static double[] Random(Random rng, int length)
    {
        var a = new double[length];
        for (var i = 0; i < a.Length; i++) a[i] = 2 * rng.NextDouble() - 1;
        return a;
    }
}
