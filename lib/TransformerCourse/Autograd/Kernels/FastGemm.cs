using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>
/// C ← α·op(A)·op(B) + β·C on column-major arrays (rows·cols values each, as MathNet's provider takes them),
/// for the fused operations of the attention library.
/// </summary>
/// <remarks>
/// <para>A native provider (MKL, OpenBLAS, see issue 6) is called directly. MathNet's own managed provider computes
/// every entry as a separate dot product after copying columns out, and starts threads even for 32×32 blocks;
/// it reaches 2–3 GFLOP/s. For it, this class uses a register-blocked SIMD kernel instead (an 8×4 block of C kept
/// in vector registers while the k products stream through), which is ~5× faster on one core, and splits large
/// products over the cores.</para>
/// </remarks>
internal static class FastGemm
{
    private static readonly Type ManagedProvider = typeof(ManagedLinearAlgebraProvider);

    /// <summary>
    /// For tests: route every product through the provider, as with a native one (flows into parallel loops).
    /// </summary>
    internal static readonly AsyncLocal<bool> AlwaysUseProvider = new();

    /// <summary>Whether products currently go to the SIMD kernel (MathNet's managed provider is active).</summary>
    public static bool UsesManagedKernel =>
        LinearAlgebraControl.Provider.GetType() == ManagedProvider && !AlwaysUseProvider.Value;

    /// <summary>
    /// C ← α·op(A)·op(B) + β·C for dense matrices (as <see cref="Tensor.Gemm"/>, but with the SIMD
    /// kernel when managed).
    /// </summary>
    public static void Multiply(bool transA, bool transB, double alpha, MathNet.Numerics.LinearAlgebra.Matrix<double> a,
        MathNet.Numerics.LinearAlgebra.Matrix<double> b, double beta, MathNet.Numerics.LinearAlgebra.Matrix<double> c)
    {
        int k = transA ? a.RowCount : a.ColumnCount;
        if (k == 0)
        {
            Tensor.Gemm(transA, transB, alpha, a, b, beta, c); // handles the empty product
            return;
        }
        Multiply(transA, transB, alpha, Shapes.Values(a), a.RowCount, a.ColumnCount, Shapes.Values(b), b.RowCount,
            b.ColumnCount, beta, Shapes.Values(c));
    }

    /// <summary>
    /// C (m×n) ← α·op(A)·op(B) + β·C, op(A) m×k and op(B) k×n; A is aRows×aCols and B bRows×bCols as stored.
    /// </summary>
    public static void Multiply(bool transA, bool transB, double alpha, double[] a, int aRows, int aCols,
        double[] b, int bRows, int bCols, double beta, double[] c)
    {
        if (!UsesManagedKernel)
        {
            LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
                transA ? Transpose.Transpose : Transpose.DontTranspose,
                transB ? Transpose.Transpose : Transpose.DontTranspose,
                alpha, a, aRows, aCols, b, bRows, bCols, beta, c);
            return;
        }
        int m = transA ? aCols : aRows, k = transA ? aRows : aCols, n = transB ? bRows : bCols;
        if (m == 0 || n == 0) return;
        if (transA) a = Transposed(a, aRows, aCols); // the kernel wants columns of op(A) contiguous
        var kernel = new Kernel(a, m, k, b, bRows, transB, alpha, beta, c);
        int panels = (m + Kernel.Rows - 1) / Kernel.Rows;
        if ((long)m * n * k < 1 << 18 || panels < 2 || Environment.ProcessorCount == 1)
        {
            kernel.Run(0, panels);
            return;
        }
        int chunks = Math.Min(panels, 4 * Environment.ProcessorCount);
        Parallel.For(0, chunks, chunk => kernel.Run(chunk * panels / chunks, (chunk + 1) * panels / chunks));
    }

    /// <summary>The m×k transpose (column-major) of a k×m column-major matrix.</summary>
    private static double[] Transposed(double[] a, int rows, int cols)
    {
        var t = GC.AllocateUninitializedArray<double>(rows * cols);
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                t[j + i * cols] = a[i + j * rows];
        return t;
    }

    /// <summary>
    /// C = α·A·op(B) + β·C with A m×k column-major, computed in panels of <see cref="Rows"/> rows of C.
    /// </summary>
    private readonly struct Kernel(double[] a, int m, int k, double[] b, int bRows, bool transB, double alpha,
        double beta, double[] c)
    {
        public const int Cols = 4;
        public static int Rows => 2 * Vector<double>.Count;

        /// <summary>B[p, j] of op(B).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private double B(int p, int j) => transB ? b[j + p * bRows] : b[p + j * bRows];

        public void Run(int panelStart, int panelEnd)
        {
            int w = Vector<double>.Count, rows = Rows;
            for (int panel = panelStart; panel < panelEnd; panel++)
            {
                int i0 = panel * rows;
                if (i0 + rows > m)
                {
                    Scalar(i0, m);
                    continue;
                }
                int n = c.Length / m, j0 = 0;
                for (; j0 + Cols <= n; j0 += Cols)
                {
                    Vector<double> c00 = default, c01 = default, c02 = default, c03 = default;
                    Vector<double> c10 = default, c11 = default, c12 = default, c13 = default;
                    for (int p = 0; p < k; p++)
                    {
                        var a0 = Load(a, i0 + p * m);
                        var a1 = Load(a, i0 + w + p * m);
                        var b0 = new Vector<double>(B(p, j0));
                        var b1 = new Vector<double>(B(p, j0 + 1));
                        var b2 = new Vector<double>(B(p, j0 + 2));
                        var b3 = new Vector<double>(B(p, j0 + 3));
                        c00 = MulAdd(a0, b0, c00); c10 = MulAdd(a1, b0, c10);
                        c01 = MulAdd(a0, b1, c01); c11 = MulAdd(a1, b1, c11);
                        c02 = MulAdd(a0, b2, c02); c12 = MulAdd(a1, b2, c12);
                        c03 = MulAdd(a0, b3, c03); c13 = MulAdd(a1, b3, c13);
                    }
                    Store(i0, j0, c00, c10);
                    Store(i0, j0 + 1, c01, c11);
                    Store(i0, j0 + 2, c02, c12);
                    Store(i0, j0 + 3, c03, c13);
                }
                for (; j0 < n; j0++)
                {
                    Vector<double> c0 = default, c1 = default;
                    for (int p = 0; p < k; p++)
                    {
                        var bj = new Vector<double>(B(p, j0));
                        c0 = MulAdd(Load(a, i0 + p * m), bj, c0);
                        c1 = MulAdd(Load(a, i0 + w + p * m), bj, c1);
                    }
                    Store(i0, j0, c0, c1);
                }
            }
        }

        /// <summary>Rows [i0, i1) of C one entry at a time (the last, partial panel).</summary>
        private void Scalar(int i0, int i1)
        {
            int n = c.Length / m;
            for (int j = 0; j < n; j++)
            {
                for (int i = i0; i < i1; i++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += a[i + p * m] * B(p, j);
                    int idx = i + j * m;
                    c[idx] = beta == 0.0 ? alpha * s : beta * c[idx] + alpha * s;
                }
            }
        }

        private void Store(int i0, int j, Vector<double> lo, Vector<double> hi)
        {
            int idx = i0 + j * m, w = Vector<double>.Count;
            var va = new Vector<double>(alpha);
            if (beta == 0.0)
            {
                (va * lo).CopyTo(c, idx);
                (va * hi).CopyTo(c, idx + w);
            }
            else
            {
                var vb = new Vector<double>(beta);
                (vb * Load(c, idx) + va * lo).CopyTo(c, idx);
                (vb * Load(c, idx + w) + va * hi).CopyTo(c, idx + w);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Load(double[] x, int index) =>
        Unsafe.ReadUnaligned<Vector<double>>(ref Unsafe.As<double, byte>(ref x[index]));

    /// <summary>a·b + c, fused into one instruction where the CPU has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> MulAdd(Vector<double> a, Vector<double> b, Vector<double> c) =>
        Fma.IsSupported && Vector<double>.Count == 4
            ? Fma.MultiplyAdd(a.AsVector256(), b.AsVector256(), c.AsVector256()).AsVector()
            : a * b + c;
}
