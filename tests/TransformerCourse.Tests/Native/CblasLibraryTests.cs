using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// <see cref="CblasLibrary"/>: loading a candidate (and why one is passed over), what a loaded library says about
/// itself, its thread control, and the OPENBLAS_CORETYPE advice.
/// </summary>
[Trait("Category", "Native")]
[Collection(MathNetProviderCollection.Name)] // the thread count is process-wide
public class CblasLibraryTests
{
    [Fact]
    public void AMissingLibraryIsNotFound()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libopenblas.so.0");
        Assert.False(CblasLibrary.TryLoad(missing, out var library, out var whyNot));
        Assert.Null(library);
        Assert.Equal("not found", whyNot);
    }

    [Fact]
    public void ALibraryWithoutTheCBLASSymbolsIsPassedOverNamingTheFirstMissingOne()
    {
        Assert.Equal(["cblas_dgemm", "cblas_sgemm", "cblas_daxpy", "cblas_dscal", "cblas_ddot"],
            CblasLibrary.RequiredSymbols);
        if (!OperatingSystem.IsLinux()) return;
        Assert.False(CblasLibrary.TryLoad("libm.so.6", out var library, out var whyNot));
        Assert.Null(library);
        Assert.Equal("loaded, but it does not export cblas_dgemm", whyNot);
    }

    [NativeFact]
    public void ALoadedLibraryNamesItsFamilyAndFile()
    {
        var library = NativeBlas.Library!;
        Assert.Contains(library.Family, new[] { "MKL", "OpenBLAS", "Accelerate", "CBLAS" });
        Assert.Contains(library.Candidate, NativeBlas.Candidates);
        Assert.EndsWith($"({library.Path})", library.ToString());
        if (OperatingSystem.IsLinux())
            Assert.True(File.Exists(library.Path), $"{library.Path} should be the loaded file");
        Assert.Equal(library.Family is "MKL" or "OpenBLAS", library.CanSetThreads);
    }

    [NativeFact]
    public void TheThreadCountIsSetWhenTheLibraryAllowsAndMustBePositive()
    {
        var library = NativeBlas.Library!;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => library.TrySetThreads(0));
        Assert.Contains("Acceleration: the thread count must be at least 1.", e.Message);
        var original = library.Threads;
        try
        {
            Assert.Equal(library.CanSetThreads, library.TrySetThreads(1));
            if (library.CanSetThreads) Assert.Equal(1, library.Threads);
        }
        finally
        {
            if (original is { } n) library.TrySetThreads(n);
        }
    }

    [Fact]
    public void OldKernelsOnANewerCpuGetTheOPENBLASCORETYPEAdvice()
    {
        var advice = CblasLibrary.OpenBlasKernelAdvice("Prescott");
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
        {
            Assert.NotNull(advice);
            var expected = System.Runtime.Intrinsics.X86.Avx512F.IsSupported
                ? "OPENBLAS_CORETYPE=SkylakeX"
                : "OPENBLAS_CORETYPE=Haswell";
            Assert.Contains(expected, advice);
            Assert.Contains("'Prescott'", advice);
        }
        else
        {
            Assert.Null(advice); // the old kernels are the right ones on an old CPU
        }
    }

    [Theory]
    [InlineData("Intel(R) Math Kernel Library Version 2020.0.4 Product Build 20200917 for Intel(R) 64 architecture "
        + "applications", "MKL 2020.0.4 (build 20200917)")]
    [InlineData("Intel(R) oneAPI Math Kernel Library Version 2024.0-Product Build 20231011 for Intel(R) 64 "
        + "architecture applications", "MKL 2024.0 (build 20231011)")]
    [InlineData("something else", "MKL")]
    public void MKLsVersionStringIsShortened(string text, string expected) =>
        Assert.Equal(expected, CblasLibrary.ShortMklVersion(text));

    [Theory]
    [InlineData("Haswell")]
    [InlineData("SkylakeX")]
    [InlineData("Zen")]
    [InlineData(null)]
    public void KernelsThatUseAVX2OrBetterNeedNoAdvice(string? core) =>
        Assert.Null(CblasLibrary.OpenBlasKernelAdvice(core));
}
