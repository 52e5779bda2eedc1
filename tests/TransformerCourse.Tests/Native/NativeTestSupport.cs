using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// The CBLAS library the native tests run against: the first of the default candidates that loads, or of those
/// that <c>TRANSFORMERCOURSE_BLAS</c> allows (<c>mkl</c>, <c>openblas</c> or a path) when it is set.
/// </summary>
static class NativeBlas
{
    static readonly Lazy<(CblasLibrary? Library, string SkipReason)> Found = new(() =>
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates)
        {
            if (CblasLibrary.TryLoad(candidate, out var library, out var whyNot)) return (library, "");
            tried.Add($"{candidate}: {whyNot}");
        }
        return (null, "No CBLAS library installed (MKL, OpenBLAS or Accelerate); install libopenblas0-pthread "
            + $"(.ci/run does) to run the native tests. Tried: {string.Join("; ", tried)}");
    });

    /// <summary><c>TRANSFORMERCOURSE_BLAS</c> when it names a library or family, else "auto".</summary>
    public static string Choice { get; } =
        Environment.GetEnvironmentVariable(Acceleration.EnvironmentVariable)?.Trim() is { Length: > 0 } c
        && !c.Equals("managed", StringComparison.OrdinalIgnoreCase) ? c : "auto";

    /// <summary>The candidates <see cref="Choice"/> allows.</summary>
    public static IReadOnlyList<string> Candidates =>
        Acceleration.CandidatesFor(Choice, Acceleration.DefaultCandidates);

    public static CblasLibrary? Library => Found.Value.Library;
    public static string SkipReason => Found.Value.SkipReason;

    /// <summary>A fresh provider over the test library (not installed as MathNet's provider).</summary>
    public static CblasLinearAlgebraProvider Provider() =>
        new(Library ?? throw new InvalidOperationException(SkipReason));
}

/// <summary>
/// The MKL the MKL tests use: <c>TRANSFORMERCOURSE_BLAS</c> when it is the path of a <c>libmkl_rt</c>, else MKL where
/// Debian or Intel's oneAPI installs it. Without one, the MKL tests are skipped, except in CI (<c>CI=true</c>), where
/// .ci/run installs MKL and they must run: there they fail instead.
/// </summary>
static class Mkl
{
    static readonly string[] Places =
    [
        "/usr/lib/x86_64-linux-gnu/libmkl_rt.so", "/opt/intel/oneapi/mkl/latest/lib/intel64/libmkl_rt.so.2",
        "/opt/intel/oneapi/mkl/latest/lib/libmkl_rt.so.2",
    ];

    public static string? Path { get; } = Find();

    public static string SkipReason =>
        "MKL is not installed here (bash .devcontainer/post-create.sh --mkl installs it; or set "
        + $"{Acceleration.EnvironmentVariable} to the path of a libmkl_rt.so). Looked in: {string.Join(", ", Places)}";

    /// <summary>Null when the MKL tests can run (MKL found, or CI, where a missing MKL must fail them).</summary>
    public static string? Skip =>
        Path is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true",
            StringComparison.OrdinalIgnoreCase) ? SkipReason : null;

    static string? Find()
    {
        var forced = Environment.GetEnvironmentVariable(Acceleration.EnvironmentVariable)?.Trim();
        if (forced is not null && System.IO.Path.IsPathRooted(forced) && forced.Contains("mkl_rt")
            && File.Exists(forced))
            return forced;
        return OperatingSystem.IsLinux() ? Places.FirstOrDefault(File.Exists) : null;
    }

    public static string Required => Path ?? throw new InvalidOperationException(SkipReason);
}

/// <summary>A fact that needs MKL; skipped, with the reason, when it is not installed (but never in CI).</summary>
sealed class MklFactAttribute : FactAttribute
{
    public MklFactAttribute() => Skip = Mkl.Skip;
}

/// <summary>
/// <c>TRANSFORMERCOURSE_TEST_BLAS</c> (<c>mkl</c>, <c>openblas</c> or a library path) makes the whole test run use
/// that library as MathNet's provider from the start, so that the PyTorch fixture tests run through it; the test
/// <c>TheLibraryThisTestRunForcesIsActive</c> fails when it could not be enabled.
/// </summary>
static class ForcedTestBlas
{
    public const string Variable = "TRANSFORMERCOURSE_TEST_BLAS";

    public static AccelerationResult? Result { get; private set; }

    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void Enable()
    {
        var choice = Environment.GetEnvironmentVariable(Variable)?.Trim();
        if (!string.IsNullOrEmpty(choice))
            Result = Acceleration.Enable(new AccelerationOptions { Override = choice });
    }
}

/// <summary>A fact for test runs with <c>TRANSFORMERCOURSE_TEST_BLAS</c> set; skipped otherwise.</summary>
sealed class ForcedBlasFactAttribute : FactAttribute
{
    public ForcedBlasFactAttribute()
    {
        if (ForcedTestBlas.Result is null)
            Skip = $"{ForcedTestBlas.Variable} is not set: this run uses MathNet's managed provider";
    }
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

/// <summary>A test class that changes MathNet's provider and one environment variable: both
/// come back afterwards.</summary>
public abstract class RestoresProviderAndVariable(string variable) : IDisposable
{
    readonly string? _savedValue = Environment.GetEnvironmentVariable(variable);

    /// <summary>MathNet's provider when the test started.</summary>
    protected ILinearAlgebraProvider SavedProvider { get; } = LinearAlgebraControl.Provider;

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(variable, _savedValue);
        LinearAlgebraControl.Provider = SavedProvider;
        GC.SuppressFinalize(this);
    }
}

static class Compare
{
    /// <summary>max_i |actual[i] − expected[i]| ≤ tolerance · max(1, max_i |expected[i]|), with a message
    /// naming the worst index.</summary>
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
            $"{what}: |Δ| = {worst:E3} at [{at}] (expected {(at >= 0 ? expected[at] : 0)}, got " +
                $"{(at >= 0 ? actual[at] : 0)}), allowed {tolerance * scale:E3}");
    }

    public static double[] Random(Random rng, int length)
    {
        var a = new double[length];
        for (var i = 0; i < a.Length; i++) a[i] = 2 * rng.NextDouble() - 1;
        return a;
    }
}
