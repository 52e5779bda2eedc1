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
    public void A_missing_library_is_not_found()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libopenblas.so.0");
        Assert.False(CblasLibrary.TryLoad(missing, out var library, out var whyNot));
        Assert.Null(library);
        Assert.Equal("not found", whyNot);
    }

    [Fact]
    public void A_library_without_the_CBLAS_symbols_is_passed_over_naming_the_first_missing_one()
    {
        Assert.Equal(["cblas_dgemm", "cblas_sgemm", "cblas_daxpy", "cblas_dscal", "cblas_ddot"],
            CblasLibrary.RequiredSymbols);
        if (!OperatingSystem.IsLinux()) return;
        Assert.False(CblasLibrary.TryLoad("libm.so.6", out var library, out var whyNot));
        Assert.Null(library);
        Assert.Equal("loaded, but it does not export cblas_dgemm", whyNot);
    }

    [NativeFact]
    public void A_loaded_library_names_its_family_and_file()
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
    public void The_thread_count_is_set_when_the_library_allows_and_must_be_positive()
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
    public void Old_kernels_on_a_newer_cpu_get_the_OPENBLAS_CORETYPE_advice()
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
    public void MKLs_version_string_is_shortened(string text, string expected) =>
        Assert.Equal(expected, CblasLibrary.ShortMklVersion(text));

    [Theory]
    [InlineData("Haswell")]
    [InlineData("SkylakeX")]
    [InlineData("Zen")]
    [InlineData(null)]
    public void Kernels_that_use_AVX2_or_better_need_no_advice(string? core) =>
        Assert.Null(CblasLibrary.OpenBlasKernelAdvice(core));
}
