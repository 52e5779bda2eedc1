using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// <see cref="Acceleration"/> end to end: what it installs as MathNet's provider, what it reports,
/// and the managed path (nothing found, or managed forced) in the same run as the native one.
/// </summary>
[Trait("Category", "Native")]
[Collection(MathNetProviderCollection.Name)]
public sealed class AccelerationTests() : RestoresProviderAndVariable(Acceleration.EnvironmentVariable)
{
    static void AssertManagedIsActive()
    {
        Assert.IsType<ManagedLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        Assert.StartsWith("managed:", Acceleration.Describe());
    }

    [Fact]
    public void NothingFoundStaysManagedAndSaysSo()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libnothing.so.0");
        var result = Acceleration.Enable(new AccelerationOptions { Candidates = [missing], Override = "auto" });

        Assert.False(result.IsNative);
        Assert.Equal(AccelerationKind.Managed, result.Kind);
        Assert.Null(result.Path);
        Assert.Contains("no CBLAS library found", result.Message);
        Assert.Contains(missing, result.Message);
        Assert.Contains("libopenblas0-pthread", result.Message); // and says how to fix it
        Assert.Equal([$"{missing}: not found"], result.Tried);
        AssertManagedIsActive();
        Assert.Contains("no CBLAS library found", Acceleration.Describe());
    }

    [Fact]
    public void AFileThatIsNotACBLASLibraryIsPassedOverWithTheReason()
    {
        var notALibrary =
            Path.Combine(Path.GetTempPath(), $"transformercourse-not-a-library-{Environment.ProcessId}.so");
        File.WriteAllText(notALibrary, "this is text, not a shared library");
        try
        {
            List<string> candidates = [notALibrary];
            if (OperatingSystem.IsLinux()) candidates.Add("libm.so.6"); // a real library, but no CBLAS
            var result = Acceleration.Enable(new AccelerationOptions { Candidates = candidates, Override = "auto" });

            Assert.False(result.IsNative);
            Assert.Equal($"{notALibrary}: not found", result.Tried[0]);
            if (OperatingSystem.IsLinux()) Assert
                .Equal("libm.so.6: loaded, but it does not export cblas_dgemm", result.Tried[1]);
            AssertManagedIsActive();
        }
        finally
        {
            File.Delete(notALibrary);
        }
    }

    [Fact]
    public void ManagedCanBeForcedEvenWhenALibraryIsInstalled()
    {
        var result = Acceleration.Enable(new AccelerationOptions { Override = "managed" });
        Assert.Equal(AccelerationKind.Managed, result.Kind);
        Assert.Contains("the override 'managed' asks for it", result.Message);
        Assert.Empty(result.Tried);
        AssertManagedIsActive();
    }

    [Fact]
    public void TheEnvironmentVariableForcesManagedOrALibraryPath()
    {
        Environment.SetEnvironmentVariable(Acceleration.EnvironmentVariable, "managed");
        var managed = Acceleration.Enable();
        Assert.Contains($"{Acceleration.EnvironmentVariable}=managed asks for it", managed.Message);
        AssertManagedIsActive();

        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libopenblas.so.0");
        Environment.SetEnvironmentVariable(Acceleration.EnvironmentVariable, missing);
        var forced = Acceleration.Enable();
        Assert.Equal(AccelerationKind.Managed, forced.Kind);
        Assert.Contains($"{Acceleration.EnvironmentVariable}={missing} could not be used", forced.Message);
        AssertManagedIsActive();
    }

    [Fact]
    public void PreferringTheOfficialMKLProviderFallsBackWhenItsPackageIsAbsent()
    {
        // MathNet.Numerics.Providers.MKL is not referenced by the tests, so MathNet cannot find it.
        var result = Acceleration.Enable(new AccelerationOptions { PreferOfficialMkl = true,
            Candidates = [], Override = "auto" });
        Assert.Equal(AccelerationKind.Managed, result.Kind);
        Assert.StartsWith("MathNet.Numerics.Providers.MKL: not available", result.Tried[0]);
    }

    [Theory]
    [InlineData(new[] { "MKL", "OpenBLAS" }, "AuthenticAMD", 1)] // the AMD case of issue 22: MKL's generic path
    [InlineData(new[] { "MKL", "OpenBLAS" }, "GenuineIntel", 0)]
    [InlineData(new[] { "OpenBLAS", "MKL" }, "GenuineIntel", 1)] // by family, not by position
    [InlineData(new[] { "MKL", "OpenBLAS" }, "HygonGenuine", 1)] // any other vendor: OpenBLAS
    [InlineData(new[] { "MKL" }, "AuthenticAMD", 0)]              // the only usable one, whatever the CPU
    [InlineData(new[] { "Accelerate" }, "not x86", 0)]
    public void MKLIsChosenOnIntelCPUsAndOpenBLASOnOthers(string[] families, string vendor, int expected) =>
        Assert.Equal(expected, Acceleration.Choose(families, vendor));

    [Fact]
    public void ThreadsBelowOneAreRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Acceleration.Enable(threads: 0));
        Assert.Contains("threads must be at least 1", e.Message);
    }

    [NativeFact]
    public void EnableInstallsTheNativeProviderAndMatrixAlgebraAgreesWithManaged()
    {
        var rng = new Random(11);
        var a = Matrix<double>.Build.Dense(37, 23, (_, _) => 2 * rng.NextDouble() - 1);
        var b = Matrix<double>.Build.Dense(23, 41, (_, _) => 2 * rng.NextDouble() - 1);
        var c = Matrix<double>.Build.Dense(37, 41, (_, _) => 2 * rng.NextDouble() - 1);
        var v = Vector<double>.Build.Dense(23, i => Math.Sin(i));

        // Reference: MathNet's managed provider.
        Acceleration.Disable();
        Matrix<double>[] expected =
            [a * b, a.TransposeThisAndMultiply(c), a.TransposeAndMultiply(a), 0.5 * a + a, (a * v).ToColumnMatrix()];
        var expectedDot = v.DotProduct(v);

        var result = Acceleration.Enable(new AccelerationOptions { Override = NativeBlas.Choice });
        Assert.True(result.IsNative, result.Message);
        Assert.Equal(AccelerationKind.Cblas, result.Kind);
        // Forced: that library; auto: the fastest of those installed, which need not be the first candidate.
        if (NativeBlas.Choice != "auto") Assert.Equal(NativeBlas.Library!.Family, result.Library);
        Assert.NotNull(result.Path);
        if (OperatingSystem.IsLinux()) Assert.True(File.Exists(result.Path),
            $"{result.Path} should be the loaded file");
        Assert.StartsWith("Native linear algebra: ", result.Message);
        var provider = Assert.IsType<CblasLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        Assert.Equal(result.ProviderName, provider.ToString());
        Assert.StartsWith("native: TransformerCourse CBLAS provider", Acceleration.Describe());

        var callsBefore = provider.NativeCalls;
        Matrix<double>[] actual =
            [a * b, a.TransposeThisAndMultiply(c), a.TransposeAndMultiply(a), 0.5 * a + a, (a * v).ToColumnMatrix()];
        Assert.True(provider.NativeCalls >= callsBefore + 3, "the three products should have run in native code");
        for (var i = 0; i < expected.Length; i++)
            Compare.Close(expected[i].AsColumnMajorArray(), actual[i].AsColumnMajorArray(), 1e-12,
                $"matrix expression {i}");
        Assert.True(Math.Abs(expectedDot - v.DotProduct(v)) <= 1e-12 * expectedDot);
    }

    [NativeFact]
    public void AFamilyCanBeForcedByName()
    {
        var family = NativeBlas.Library!.Family; // MKL, OpenBLAS or Accelerate: whichever is installed
        var result = Acceleration.Enable(new AccelerationOptions { Override = family.ToLowerInvariant() });
        Assert.True(result.IsNative, result.Message);
        Assert.Equal(family, result.Library);
    }

    [NativeFact]
    public void TheThreadCountIsAnOptionAndCanBeChanged()
    {
        var original = NativeBlas.Library!.Threads;
        try
        {
            var result = Acceleration.Enable(new AccelerationOptions { Override = NativeBlas.Choice, Threads = 1 });
            Assert.True(result.IsNative, result.Message);
            if (result.Library == "Accelerate") return; // Accelerate has no thread control
            Assert.Equal(1, result.Threads);
            Assert.Contains(", 1 thread", result.Message);
            Assert.True(Acceleration.TrySetThreads(2));
            Assert.Contains(", 2 threads", Acceleration.Describe());
        }
        finally
        {
            if (original is { } n) NativeBlas.Library.TrySetThreads(n);
        }
    }

    [ForcedBlasFact]
    public void TheLibraryThisTestRunForcesIsActive()
    {
        // .ci/run sets TRANSFORMERCOURSE_TEST_BLAS=mkl for its second run of the fixture
        // tests: they must go through MKL.
        var result = ForcedTestBlas.Result!;
        var forced = Environment.GetEnvironmentVariable(ForcedTestBlas.Variable)!;
        Assert.True(result.IsNative, result.Message);
        Assert.Equal(forced.Contains("mkl", StringComparison.OrdinalIgnoreCase) ? "MKL" : "OpenBLAS", result.Library);
        var provider = Assert.IsType<CblasLinearAlgebraProvider>(SavedProvider);
        Assert.Equal(result.Path, provider.LibraryPath);
    }

    [NativeFact]
    public void DisableGoesBackToManaged()
    {
        Assert.True(Acceleration.Enable(new AccelerationOptions { Override = "auto" }).IsNative);
        var result = Acceleration.Disable();
        Assert.Equal(AccelerationKind.Managed, result.Kind);
        Assert.False(Acceleration.TrySetThreads(1));
        AssertManagedIsActive();
    }
}
