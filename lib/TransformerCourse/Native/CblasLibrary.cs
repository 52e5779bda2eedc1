using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;

namespace TransformerCourse.Native;

/// <summary>
/// A native BLAS library (MKL, OpenBLAS, Accelerate, or any other with a CBLAS interface) loaded at
/// run time with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/>, and the few CBLAS entry
/// points the course needs, held as unmanaged function pointers.
/// </summary>
/// <remarks>
/// CBLAS takes 32-bit integers here (the LP64 interface: Debian's <c>libopenblas0</c>, MKL's default
/// <c>libmkl_rt</c> layer, Accelerate). An ILP64 build (<c>libopenblas64</c>) would be misread, which
/// is why <see cref="CblasLinearAlgebraProvider.InitializeVerify"/> checks a known product first.
/// </remarks>
internal sealed unsafe class CblasLibrary
{
    // CBLAS enum values (cblas.h).
    internal const int ColMajor = 102, NoTrans = 111, Trans = 112;

    /// <summary>cblas_dgemm(order, transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc).</summary>
    public readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double,
        double*, int, void> Dgemm;
    /// <summary>cblas_sgemm, the single-precision twin of <see cref="Dgemm"/>.</summary>
    public readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float,
        float*, int, void> Sgemm;
    /// <summary>cblas_daxpy(N, alpha, X, incX, Y, incY): Y ← alpha·X + Y.</summary>
    public readonly delegate* unmanaged<int, double, double*, int, double*, int, void> Daxpy;
    /// <summary>cblas_dscal(N, alpha, X, incX): X ← alpha·X.</summary>
    public readonly delegate* unmanaged<int, double, double*, int, void> Dscal;
    /// <summary>cblas_ddot(N, X, incX, Y, incY) = Σ X[i]·Y[i].</summary>
    public readonly delegate* unmanaged<int, double*, int, double*, int, double> Ddot;

    readonly delegate* unmanaged<int, void> _setThreads;
    readonly delegate* unmanaged<int> _getThreads;

    /// <summary>"MKL", "OpenBLAS", "Accelerate" or "CBLAS" (another library with the CBLAS symbols).</summary>
    public string Family { get; }
    /// <summary>The name or path that was asked for, e.g. <c>libopenblas.so.0</c>.</summary>
    public string Candidate { get; }
    /// <summary>The file that was actually loaded, when it can be found out (Linux), else <see
    /// cref="Candidate"/>.</summary>
    public string Path { get; }
    /// <summary>What the library says about itself (OpenBLAS config, MKL version), or null.</summary>
    public string? Version { get; }

    /// <summary>
    /// Set when OpenBLAS picked kernels older than this CPU (it does not know the model, e.g. OpenBLAS
    /// 0.3.21 on a 2023 Xeon falls back to "Prescott", SSE3): what to set to get the fast ones.
    /// </summary>
    public string? Advice { get; }

    CblasLibrary(string candidate, IntPtr handle, string? mklLayer)
    {
        Candidate = candidate;
        ThreadingLayer = mklLayer;
        Dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double,
            double*, int, void>)Export(handle, "cblas_dgemm");
        Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float,
            float*, int, void>)Export(handle, "cblas_sgemm");
        Daxpy = (delegate* unmanaged<int, double, double*, int, double*, int, void>)Export(handle, "cblas_daxpy");
        Dscal = (delegate* unmanaged<int, double, double*, int, void>)Export(handle, "cblas_dscal");
        Ddot = (delegate* unmanaged<int, double*, int, double*, int, double>)Export(handle, "cblas_ddot");

        var mklSet = Export(handle, "MKL_Set_Num_Threads");
        var openBlasSet = Export(handle, "openblas_set_num_threads");
        if (mklSet != IntPtr.Zero)
        {
            Family = "MKL";
            _setThreads = (delegate* unmanaged<int, void>)mklSet;
            _getThreads = (delegate* unmanaged<int>)Export(handle, "MKL_Get_Max_Threads");
            Version = MklVersion(handle);
        }
        else if (openBlasSet != IntPtr.Zero)
        {
            Family = "OpenBLAS";
            _setThreads = (delegate* unmanaged<int, void>)openBlasSet;
            _getThreads = (delegate* unmanaged<int>)Export(handle, "openblas_get_num_threads");
            Version = CallString(handle, "openblas_get_config");
            Advice = OpenBlasKernelAdvice(CallString(handle, "openblas_get_corename"));
        }
        else
        {
            Family = candidate.Contains("Accelerate", StringComparison.Ordinal) ? "Accelerate" : "CBLAS";
        }

        Path = LoadedFileOf((IntPtr)Dgemm) ?? candidate;
    }

    /// <summary>MKL's threading layer and reproducibility, set before its first computation ("GNU OpenMP,
    /// reproducible (CNR strict)" or "sequential, …"); null for other libraries.</summary>
    public string? ThreadingLayer { get; }

    /// <summary>GFLOP/s of the last <see cref="MeasureGflops"/>, or null before one.</summary>
    public double? Gflops { get; private set; }

    /// <summary>The order of the square dgemm <see cref="MeasureGflops"/> times.</summary>
    internal const int ProbeOrder = 256;

    /// <summary>
    /// Times a few <see cref="ProbeOrder"/>³ dgemm calls (about 15 ms in all, after one warm-up call that also
    /// loads MKL's kernels) and keeps the fastest as <see cref="Gflops"/>: 2n³ floating-point operations per call.
    /// </summary>
    /// <returns>The measured GFLOP/s.</returns>
    public double MeasureGflops()
    {
        const int n = ProbeOrder;
        var a = new double[n * n];
        var c = new double[n * n];
        for (var i = 0; i < a.Length; i++) a[i] = (i % 17 - 8) / 8.0;
        var best = double.MaxValue;
        var watch = new System.Diagnostics.Stopwatch();
        var total = new System.Diagnostics.Stopwatch();
        fixed (double* pa = a, pc = c)
        {
            Dgemm(ColMajor, NoTrans, NoTrans, n, n, n, 1.0, pa, n, pa, n, 0.0, pc, n); // warm-up
            total.Start();
            for (var rep = 0; rep < 30 && (rep < 3 || total.ElapsedMilliseconds < 15); rep++)
            {
                watch.Restart();
                Dgemm(ColMajor, NoTrans, NoTrans, n, n, n, 1.0, pa, n, pa, n, 0.0, pc, n);
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
        }
        Gflops = 2.0 * n * n * n / Math.Max(best, 1e-9) / 1e9;
        return Gflops.Value;
    }

    /// <summary>True when the library lets us set its thread count (OpenBLAS, MKL).</summary>
    public bool CanSetThreads => _setThreads != null;

    /// <summary>The library's current thread count, or null when it does not say.</summary>
    public int? Threads => _getThreads == null ? null : _getThreads();

    /// <summary>Sets the library's thread count (all callers in the process share it); false if unsupported.</summary>
    public bool TrySetThreads(int threads)
    {
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads,
                "Acceleration: the thread count must be at least 1.");
        if (_setThreads == null) return false;
        _setThreads(threads);
        return true;
    }

    /// <summary>"OpenBLAS 0.3.21 … (/usr/lib/…/libopenblas.so.0)".</summary>
    public override string ToString() =>
        $"{Version ?? Family}{(ThreadingLayer is { } layer ? $", threading layer {layer}" : "")} ({Path})";

    /// <summary>
    /// Loads <paramref name="candidate"/> (a file name the system loader searches for, or a path)
    /// and checks that it exports the CBLAS functions we call.
    /// </summary>
    /// <param name="candidate">A library name such as <c>libopenblas.so.0</c> or an absolute path.</param>
    /// <param name="library">The loaded library, or null.</param>
    /// <param name="whyNot">When loading fails: a short reason ("not found", "no cblas_dgemm", why MKL could not be
    /// set up safely).</param>
    public static bool TryLoad(string candidate, out CblasLibrary? library, out string whyNot)
    {
        library = null;
        whyNot = "";
        if (candidate.Contains("openblas", StringComparison.OrdinalIgnoreCase)) PreferModernOpenBlasKernels();
        if (!NativeLibrary.TryLoad(candidate, out var handle))
        {
            whyNot = "not found";
            return false;
        }
        foreach (var symbol in RequiredSymbols)
        {
            if (Export(handle, symbol) == IntPtr.Zero)
            {
                whyNot = $"loaded, but it does not export {symbol}";
                NativeLibrary.Free(handle);
                return false;
            }
        }
        string? layer = null;
        if (Export(handle, "MKL_Set_Num_Threads") != IntPtr.Zero) // MKL: choose its threading layer before any call
        {
            var path = LoadedFileOf(Export(handle, "cblas_dgemm")) ?? candidate;
            if (!MklSetup.TryPrepare(handle, path, out var mklLayer, out var why))
            {
                whyNot = $"MKL, not used: {why}";
                return false;
            }
            layer = mklLayer;
        }
        library = new CblasLibrary(candidate, handle, layer);
        return true;
    }

    /// <summary>
    /// OpenBLAS picks its kernels when it loads, from the CPU or from the OPENBLAS_CORETYPE environment variable.
    /// Older OpenBLAS releases (Debian 12's 0.3.21) do not recognise recent CPUs and fall back to SSE3 kernels that are
    /// about 4× slower. On a CPU with AVX-512 we therefore set OPENBLAS_CORETYPE=SkylakeX in the process's C
    /// environment before loading, unless it is already set (a value set by the user always wins).
    /// </summary>
    static void PreferModernOpenBlasKernels()
    {
        if (!OperatingSystem.IsLinux() || !Avx512F.IsSupported) return;
        try
        {
            if (getenv("OPENBLAS_CORETYPE") == IntPtr.Zero) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No libc to call (not glibc/musl): OpenBLAS picks its kernels itself.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    static extern int setenv(string name, string value, int overwrite);

    [DllImport("libc.so.6", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    static extern IntPtr getenv(string name);

    internal static readonly string[] RequiredSymbols = ["cblas_dgemm", "cblas_sgemm", "cblas_daxpy", "cblas_dscal",
        "cblas_ddot"];

    static IntPtr Export(IntPtr handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address) ? address : IntPtr.Zero;

    static string? CallString(IntPtr handle, string function)
    {
        var get = Export(handle, function);
        return get == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)get)());
    }

    // OpenBLAS core types without AVX2 kernels.
    static readonly string[] PreAvx2Cores =
        ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Sandybridge", "Atom", "Katmai", "Coppermine",
         "Northwood", "Banias", "Opteron", "Barcelona", "Bobcat", "Bulldozer", "Piledriver", "Steamroller",
             "Excavator"];

    internal static string? OpenBlasKernelAdvice(string? core)
    {
        if (core is null || !PreAvx2Cores.Contains(core, StringComparer.OrdinalIgnoreCase) || !Avx2.IsSupported)
            return null;
        var (better, feature) = Avx512F.IsSupported ? ("SkylakeX", "AVX-512") : ("Haswell", "AVX2");
        return $"OpenBLAS chose its '{core}' kernels, older than this CPU ({feature}); start the process with "
            + $"OPENBLAS_CORETYPE={better} in its environment for its {feature} kernels (products often several " +
                $"times faster)";
    }

    /// <summary>"MKL 2020.0.4 (build 20200917)" from MKL's "Intel(R) Math Kernel Library Version 2020.0.4 Product
    /// Build 20200917 for …".</summary>
    static string MklVersion(IntPtr handle)
    {
        var get = Export(handle, "MKL_Get_Version_String");
        if (get == IntPtr.Zero) return "MKL";
        var buffer = stackalloc byte[256];
        ((delegate* unmanaged<byte*, int, void>)get)(buffer, 256);
        return ShortMklVersion(Marshal.PtrToStringAnsi((IntPtr)buffer) ?? "");
    }

    internal static string ShortMklVersion(string text)
    {
        var version = Regex.Match(text, @"Version ([0-9][0-9.]*[0-9])");
        var build = Regex.Match(text, @"Build ([0-9]+)");
        return !version.Success ? "MKL"
            : $"MKL {version.Groups[1].Value}" + (build.Success ? $" (build {build.Groups[1].Value})" : "");
    }

    /// <summary>On Linux, the file mapped at <paramref name="address"/>, read from /proc/self/maps.</summary>
    static string? LoadedFileOf(IntPtr address)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var target = (ulong)address;
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                // "7f1c2a000000-7f1c2a200000 r-xp 00000000 08:01 1234   /usr/lib/.../libopenblas.so.0"
                var dash = line.IndexOf('-');
                var space = line.IndexOf(' ');
                if (dash < 0 || space < dash) continue;
                var start = ulong.Parse(line.AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var end = ulong.Parse(line.AsSpan(dash + 1, space - dash - 1), NumberStyles.HexNumber,
                    CultureInfo.InvariantCulture);
                if (target < start || target >= end) continue;
                var slash = line.IndexOf('/');
                return slash < 0 ? null : line[slash..];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
