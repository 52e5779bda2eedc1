using System.Runtime.InteropServices;

namespace TransformerCourse.Bench;

/// <summary>
/// OpenBLAS called directly by P/Invoke, with no MathNet in between: the ceiling our provider is
/// measured against. Same soname as the provider's first OpenBLAS candidate, so the loader hands both
/// the same library (and the same thread pool).
/// </summary>
static class RawOpenBlas
{
    const string Library = "libopenblas.so.0";
    const int ColMajor = 102, NoTrans = 111;

    [DllImport(Library)]
    static extern void cblas_dgemm(int order, int transA, int transB, int m, int n, int k,
        double alpha, double[] a, int lda, double[] b, int ldb, double beta, double[] c, int ldc);

    [DllImport(Library)]
    static extern void openblas_set_num_threads(int threads);

    [DllImport(Library)]
    static extern IntPtr openblas_get_corename();

    /// <summary>True when libopenblas.so.0 loads.</summary>
    public static bool IsAvailable => NativeLibrary.TryLoad(Library, out _);

    /// <summary>c = a·b for n×n column-major arrays.</summary>
    public static void Dgemm(int n, double[] a, double[] b, double[] c) =>
        cblas_dgemm(ColMajor, NoTrans, NoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c, n);

    /// <summary>The kernels OpenBLAS chose when it loaded ("SkylakeX", "Haswell", "Prescott", …).</summary>
    public static string? CoreName() => Marshal.PtrToStringAnsi(openblas_get_corename());

    /// <summary>OpenBLAS's thread count (process-wide).</summary>
    public static void SetThreads(int threads) => openblas_set_num_threads(threads);
}
