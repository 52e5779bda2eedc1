using System.Diagnostics;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// <see cref="MklSetup"/>: MKL's threading layer is chosen by us before its first computation, so that no installed
/// package, environment variable or CPU ends the process; a set-up that dies in the child probe is refused with what
/// the child printed. The process tests start this test assembly as a child (<see cref="AccelerationChild"/>).
/// </summary>
[Trait("Category", "Native")]
[Collection(MathNetProviderCollection.Name)] // environment variables and MathNet's provider are process-wide
public sealed class MklSetupTests() : RestoresProviderAndVariable(MklSetup.OpenMpVariable)
{
    [Fact]
    public void LayerNamesFollowMklServiceH()
    {
        // MKL_THREADING_INTEL = 0, SEQUENTIAL = 1, PGI = 2, GNU = 3, TBB = 4.
        Assert.Equal(["Intel OpenMP", "sequential", "PGI OpenMP", "GNU OpenMP", "TBB", "layer 9"],
            new[] { 0, 1, 2, 3, 4, 9 }.Select(MklSetup.LayerName));
    }

    [Fact]
    public void TheOpenMPRuntimeIsLibgompUnlessTheVariableNamesAnotherOrNone()
    {
        Environment.SetEnvironmentVariable(MklSetup.OpenMpVariable, null);
        Assert.Equal(OperatingSystem.IsLinux() ? "libgomp.so.1" : null, MklSetup.OpenMpLibrary());
        Environment.SetEnvironmentVariable(MklSetup.OpenMpVariable, "NONE");
        Assert.Null(MklSetup.OpenMpLibrary());
        Environment.SetEnvironmentVariable(MklSetup.OpenMpVariable, " /opt/llvm/libomp.so ");
        Assert.Equal("/opt/llvm/libomp.so", MklSetup.OpenMpLibrary());
    }

    [MklFact]
    public void MKLLoadsWithTheLayerWeChoseAndItsProductsMatchManaged()
    {
        Assert.True(CblasLibrary.TryLoad(Mkl.Required, out var library, out var whyNot), whyNot);
        Assert.Equal("MKL", library!.Family);
        // MKL 2020 (Debian 12) and later have strict CNR.
        Assert.Contains(library.ThreadingLayer, new[] { "GNU OpenMP, reproducible (CNR strict)",
            "sequential, reproducible (CNR strict)" });
        Assert.Contains($"threading layer {library.ThreadingLayer}", library.ToString());
        Assert.Matches(@"^MKL \d{4}\.\d", library.Version);

        var rng = new Random(5);
        var a = Compare.Random(rng, 129 * 130);
        var b = Compare.Random(rng, 130 * 131);
        var expected = new double[129 * 131];
        ManagedLinearAlgebraProvider.Instance.MatrixMultiply(a, 129, 130, b, 130, 131, expected);
        var actual = new double[expected.Length];
        new CblasLinearAlgebraProvider(library).MatrixMultiply(a, 129, 130, b, 130, 131, actual);
        Compare.Close(expected, actual, 1e-12, "MKL 129×130·130×131");
        Assert.True(library.MeasureGflops() > 0);
    }

    [MklFact]
    public unsafe void MKL_products_are_bit_identical_wherever_the_arrays_lie_in_memory()
    {
        // Without CNR, MKL's dgemm rounds differently for differently aligned arrays (the optimiser's bit-identical
        // resume tests failed so). A 67×129 · (45×129)ᵀ product from eight offsets of one aligned buffer.
        Assert.True(CblasLibrary.TryLoad(Mkl.Required, out var library, out var whyNot), whyNot);
        const int m = 67, k = 129, n = 45, slack = 8;
        var rng = new Random(3);
        var a = Compare.Random(rng, m * k);
        var b = Compare.Random(rng, n * k);
        var buffer = (double*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(
            (nuint)((m * k + n * k + m * n + 3 * slack) * sizeof(double)), 64);
        try
        {
            double[]? first = null;
            for (var offset = 0; offset < slack; offset++)
            {
                double* pa = buffer + offset, pb = pa + m * k + slack, pc = pb + n * k + slack;
                a.CopyTo(new Span<double>(pa, m * k));
                b.CopyTo(new Span<double>(pb, n * k));
                library!.Dgemm(CblasLibrary.ColMajor, CblasLibrary.NoTrans, CblasLibrary.Trans, m, n, k, 1.0, pa, m,
                    pb, n, 0.0, pc, m);
                var c = new Span<double>(pc, m * n).ToArray();
                first ??= c;
                Assert.True(first.AsSpan().SequenceEqual(c), $"offset {offset} doubles: a different rounding");
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(buffer);
        }
    }

    [MklFact]
    public void ASetUpThatEndsTheChildIsRefusedWithWhatTheChildPrinted()
    {
        // The PGI layer needs the PGI Fortran runtime: MKL prints a FATAL ERROR and exits. Only the child dies.
        var (ok, note) = MklSetup.Probe(Mkl.Required, 2, null);
        if (note.StartsWith("no python3", StringComparison.Ordinal)) return; // no child to probe with
        Assert.False(ok, note);
        Assert.Contains("PGI OpenMP layer failed (exit code", note);
        Assert.Contains("libmkl_pgi_thread.so", note);
    }

    [MklFact]
    public void WithMKLTHREADINGLAYERGNUAndNoOpenMPRuntimeTheProcessSurvivesEnable()
    {
        // Without our set-up this ends the process: "libmkl_gnu_thread.so: undefined symbol: omp_get_num_procs".
        var output = SurvivingChild(hideOpenMp: true, ("MKL_THREADING_LAYER", "GNU"));
        Assert.Contains("threading layer sequential", output);
    }

    [MklFact]
    public void WithMKLTHREADINGLAYERINTELSetByTheUserTheProcessSurvivesEnable()
    {
        // The Intel layer needs libiomp5, which Debian's MKL does not depend on; our layer choice wins.
        var output = SurvivingChild(hideOpenMp: false, ("MKL_THREADING_LAYER", "INTEL"),
            ("MKL_INTERFACE_LAYER", "ILP64"));
        Assert.DoesNotContain("Intel OpenMP", output);
    }

    [MklFact]
    public void AutoTimesEveryUsableLibraryAndInstallsTheOneForThisCPU()
    {
        var result = Acceleration.Enable(new AccelerationOptions
            { Candidates = [Mkl.Required, .. Acceleration.DefaultCandidates], Override = "auto" });
        Assert.True(result.IsNative, result.Message);
        var provider = Assert.IsType<CblasLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        var describe = Acceleration.Describe();
        Assert.Contains("GFLOP/s on a 256³ dgemm", describe);
        if (NativeBlas.Library is { Family: not "MKL" } other) // MKL and another library: one was chosen over the other
        {
            Assert.Contains("chosen over", result.Message);
            Assert.Contains("because this CPU is", result.Message);
            Assert.Contains(result.Library == "MKL" ? other.Family : "MKL 20", describe);
        }
        Assert.Equal(result.Library, provider.LibraryFamily);
    }

    /// <summary>Runs the child (see <see cref="RunChild"/>); asserts that it exited normally with MKL enabled and
    /// the right product, and returns what it printed.</summary>
    static string SurvivingChild(bool hideOpenMp, params (string Name, string Value)[] environment)
    {
        var (exit, output) = RunChild(hideOpenMp, environment);
        Assert.True(exit == 0, output);
        Assert.Contains("result: Cblas MKL:", output);
        Assert.Contains("product: 58 139 64 154", output);
        return output;
    }

    /// <summary>
    /// Runs <c>dotnet TransformerCourse.Tests.dll --acceleration-child</c> with MKL forced. hideOpenMp: libgomp is
    /// bind-mounted over by /dev/null in a private mount namespace (root with unshare), else refused through
    /// TRANSFORMERCOURSE_OPENMP=none.
    /// </summary>
    static (int Exit, string Output) RunChild(bool hideOpenMp, params (string Name, string Value)[] environment)
    {
        var dll = typeof(AccelerationChild).Assembly.Location;
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var gomp = "/usr/lib/x86_64-linux-gnu/libgomp.so.1";
        var unshare = hideOpenMp && Environment.UserName == "root" && File.Exists(gomp)
            && File.Exists("/usr/bin/unshare")
            && Run(new ProcessStartInfo("/usr/bin/unshare", ["-m", "true"])).Exit == 0;
        var info = unshare
            ? new ProcessStartInfo("/usr/bin/unshare", ["-m", "sh", "-c",
                $"mount --bind /dev/null {gomp} && exec \"$0\" \"$@\"", dotnet, dll, AccelerationChild.Flag])
            : new ProcessStartInfo(dotnet, [dll, AccelerationChild.Flag]);
        info.Environment[Acceleration.EnvironmentVariable] = Mkl.Required;
        if (hideOpenMp && !unshare) info.Environment[MklSetup.OpenMpVariable] = "none";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var (exit, output) = Run(info);
        return (exit, $"{(unshare ? "libgomp hidden by a bind mount" : "")}\n{output}");
    }

    static (int Exit, string Output) Run(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
