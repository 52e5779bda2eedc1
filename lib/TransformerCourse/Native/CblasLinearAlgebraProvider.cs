using System.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Native;

/// <summary>
/// A MathNet linear-algebra provider whose matrix products and BLAS-1 operations run in a native
/// CBLAS library (MKL, OpenBLAS or Accelerate); every other operation is MathNet's managed code.
/// </summary>
/// <remarks>
/// <para>
/// Native: <c>MatrixMultiply</c> and <c>MatrixMultiplyWithUpdate</c> for <see cref="double"/>
/// (<c>cblas_dgemm</c>) and <see cref="float"/> (<c>cblas_sgemm</c>);
/// <c>AddVectorToScaledVector</c> (<c>cblas_daxpy</c>), <c>ScaleArray</c> (<c>cblas_dscal</c>) and
/// <c>DotProduct</c> (<c>cblas_ddot</c>) for <see cref="double"/>. Everything else (factorizations,
/// point-wise operations, complex numbers) is forwarded to MathNet's <see cref="ManagedLinearAlgebraProvider"/>.
/// </para>
/// <para>
/// MathNet's dense storage is column-major, as CBLAS's <c>CblasColMajor</c>: an r×c matrix is the
/// array with element (i, j) at <c>j·r + i</c> and leading dimension r. Arguments that do not fit
/// (wrong lengths, mismatched inner dimensions) never reach native code: they go to the managed
/// implementation, which throws the exception MathNet users already know.
/// </para>
/// <para>
/// Create one with <see cref="Acceleration.Enable(bool, int?)"/>, which also installs it as
/// <see cref="LinearAlgebraControl.Provider"/>.
/// </para>
/// </remarks>
public sealed unsafe partial class CblasLinearAlgebraProvider : ILinearAlgebraProvider
{
    readonly CblasLibrary _blas;

    internal CblasLinearAlgebraProvider(CblasLibrary blas) => _blas = blas;

    /// <summary>The loaded library (thread control, version).</summary>
    internal CblasLibrary Library => _blas;

    /// <summary>"OpenBLAS", "MKL", "Accelerate" or "CBLAS".</summary>
    public string LibraryFamily => _blas.Family;

    /// <summary>The native library file in use (or the name it was loaded by).</summary>
    public string LibraryPath => _blas.Path;

    /// <summary>Number of calls that went to native code (a diagnostic; not synchronised).</summary>
    internal long NativeCalls { get; private set; }

    /// <summary>The native library is loaded when this provider exists, so it is always available.</summary>
    /// <returns>True.</returns>
    public bool IsAvailable() => true;

    /// <summary>Nothing to free: the native library stays loaded for the life of the process.</summary>
    public void FreeResources() { }

    /// <summary>
    /// Checks the library on a product with a known answer, (2×3)·(3×2) and its transposed form, and
    /// throws <see cref="NotSupportedException"/> if it answers wrongly (e.g. a 64-bit-integer build).
    /// MathNet calls this when the provider is installed.
    /// </summary>
    public void InitializeVerify()
    {
        // A = [1 2 3; 4 5 6] (column-major 1 4 2 5 3 6), B = [7 8; 9 10; 11 12]; A·B = [58 64; 139 154].
        double[] a = [1, 4, 2, 5, 3, 6], b = [7, 9, 11, 8, 10, 12], expected = [58, 139, 64, 154];
        var c = new double[4];
        MatrixMultiply(a, 2, 3, b, 3, 2, c);
        var ct = new double[4];
        // (Bᵀ·Aᵀ)ᵀ = A·B, computed as op(B)=Bᵀ (2×3), op(A)=Aᵀ (3×2): Bᵀ·Aᵀ = (A·B)ᵀ.
        MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.Transpose, 1.0, b, 3, 2, a, 2, 3, 0.0, ct);
        double[] expectedT = [58, 64, 139, 154];
        if (!c.AsSpan().SequenceEqual(expected) || !ct.AsSpan().SequenceEqual(expectedT))
        {
            throw new NotSupportedException(
                $"Acceleration: {_blas} computed a wrong 2×3·3×2 product ([{string.Join(", ", c)}], " +
                $"expected [{string.Join(", ", expected)}]); is it a 64-bit-integer (ILP64) build?");
        }
    }

    /// <summary>"TransformerCourse CBLAS provider: OpenBLAS 0.3.21 … (/usr/lib/…/libopenblas.so.0)".</summary>
    public override string ToString() => $"TransformerCourse CBLAS provider: {_blas}";

    // ---- GEMM --------------------------------------------------------------------------------

    /// <summary><c>result = x·y</c>, x is rowsX×columnsX, y is rowsY×columnsY (column-major), by
    /// <c>cblas_dgemm</c>.</summary>
    /// <param name="x">The left matrix, column-major.</param>
    /// <param name="rowsX">Rows of x.</param>
    /// <param name="columnsX">Columns of x (must equal <paramref name="rowsY"/>).</param>
    /// <param name="y">The right matrix, column-major.</param>
    /// <param name="rowsY">Rows of y.</param>
    /// <param name="columnsY">Columns of y.</param>
    /// <param name="result">rowsX×columnsY, overwritten.</param>
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY,
        double[] result)
    {
        if (!Gemm.TryPlan(Transpose.DontTranspose, Transpose.DontTranspose, x?.Length, rowsX, columnsX, y?.Length,
            rowsY, columnsY, result?.Length, out var plan))
        {
            Managed.MatrixMultiply(x!, rowsX, columnsX, y!, rowsY, columnsY, result!); // throws MathNet's own exception
            return;
        }
        Run(plan, 1.0, x!, y!, 0.0, result!);
    }

    /// <summary>
    /// <c>c = alpha·op(a)·op(b) + beta·c</c> by <c>cblas_dgemm</c>, where op is the identity or the
    /// transpose; a is stored rowsA×columnsA and b rowsB×columnsB (before op), both column-major.
    /// </summary>
    /// <param name="transposeA">Whether op(a) is a or aᵀ.</param>
    /// <param name="transposeB">Whether op(b) is b or bᵀ.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The left matrix as stored.</param>
    /// <param name="rowsA">Stored rows of a.</param>
    /// <param name="columnsA">Stored columns of a.</param>
    /// <param name="b">The right matrix as stored.</param>
    /// <param name="rowsB">Stored rows of b.</param>
    /// <param name="columnsB">Stored columns of b.</param>
    /// <param name="beta">Scale of the old c (0: c is overwritten, its old values are never read).</param>
    /// <param name="c">rows(op(a))×columns(op(b)), updated in place.</param>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha, double[] a,
        int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
    {
        if (!Gemm.TryPlan(transposeA, transposeB, a?.Length, rowsA, columnsA, b?.Length, rowsB, columnsB, c?.Length,
            out var plan))
        {
            Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a!, rowsA, columnsA, b!, rowsB, columnsB,
                beta, c!);
            return;
        }
        Run(plan, alpha, a!, b!, beta, c!);
    }

    /// <summary><c>result = x·y</c> in single precision, by <c>cblas_sgemm</c>; shapes as for <see
    /// cref="double"/>.</summary>
    /// <param name="x">The left matrix, column-major.</param>
    /// <param name="rowsX">Rows of x.</param>
    /// <param name="columnsX">Columns of x (must equal <paramref name="rowsY"/>).</param>
    /// <param name="y">The right matrix, column-major.</param>
    /// <param name="rowsY">Rows of y.</param>
    /// <param name="columnsY">Columns of y.</param>
    /// <param name="result">rowsX×columnsY, overwritten.</param>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
    {
        if (!Gemm.TryPlan(Transpose.DontTranspose, Transpose.DontTranspose, x?.Length, rowsX, columnsX, y?.Length,
            rowsY, columnsY, result?.Length, out var plan))
        {
            Managed.MatrixMultiply(x!, rowsX, columnsX, y!, rowsY, columnsY, result!);
            return;
        }
        Run(plan, 1f, x!, y!, 0f, result!);
    }

    /// <summary><c>c = alpha·op(a)·op(b) + beta·c</c> in single precision, by <c>cblas_sgemm</c>.</summary>
    /// <param name="transposeA">Whether op(a) is a or aᵀ.</param>
    /// <param name="transposeB">Whether op(b) is b or bᵀ.</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">The left matrix as stored.</param>
    /// <param name="rowsA">Stored rows of a.</param>
    /// <param name="columnsA">Stored columns of a.</param>
    /// <param name="b">The right matrix as stored.</param>
    /// <param name="rowsB">Stored rows of b.</param>
    /// <param name="columnsB">Stored columns of b.</param>
    /// <param name="beta">Scale of the old c.</param>
    /// <param name="c">rows(op(a))×columns(op(b)), updated in place.</param>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA,
        int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        if (!Gemm.TryPlan(transposeA, transposeB, a?.Length, rowsA, columnsA, b?.Length, rowsB, columnsB, c?.Length,
            out var plan))
        {
            Managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a!, rowsA, columnsA, b!, rowsB, columnsB,
                beta, c!);
            return;
        }
        Run(plan, alpha, a!, b!, beta, c!);
    }

    /// <summary>Runs a planned GEMM: the empty cases in managed code (as MathNet does them), the rest in
    /// dgemm/sgemm.</summary>
    void Run<T>(in Gemm p, T alpha, T[] a, T[] b, T beta, T[] c) where T : unmanaged, INumber<T>
    {
        if (p.M == 0 || p.N == 0) return;
        if (p.K == 0 || alpha == T.Zero)
        {
            // No product to add: c = beta·c, exactly as the managed provider does it.
            if (c is double[] cd) Managed.ScaleArray(double.CreateTruncating(beta), cd, cd);
            else if (c is float[] cf) Managed.ScaleArray(float.CreateTruncating(beta), cf, cf);
            return;
        }
        NativeCalls++;
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (typeof(T) == typeof(double))
                _blas.Dgemm(CblasLibrary.ColMajor, p.TransA, p.TransB, p.M, p.N, p.K, double.CreateTruncating(alpha),
                    (double*)pa, p.Lda,
                    (double*)pb, p.Ldb, double.CreateTruncating(beta), (double*)pc, p.Ldc);
            else
                _blas.Sgemm(CblasLibrary.ColMajor, p.TransA, p.TransB, p.M, p.N, p.K, float.CreateTruncating(alpha),
                    (float*)pa, p.Lda,
                    (float*)pb, p.Ldb, float.CreateTruncating(beta), (float*)pc, p.Ldc);
        }
    }

    // ---- BLAS level 1 ------------------------------------------------------------------------

    /// <summary><c>result = y + alpha·x</c> by <c>cblas_daxpy</c> (y is copied into result first unless they are the
    /// same array).</summary>
    /// <param name="y">The vector to add to.</param>
    /// <param name="alpha">Scale of x.</param>
    /// <param name="x">The vector to scale and add.</param>
    /// <param name="result">Where the sum goes; may be y.</param>
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result)
    {
        // Degenerate scalars, bad lengths and result aliasing x (which the copy would clobber) stay managed.
        if (y == null || x == null || result == null || y.Length != x.Length || result.Length != y.Length
            || alpha == 0.0 || (ReferenceEquals(result, x) && !ReferenceEquals(result, y)))
        {
            Managed.AddVectorToScaledVector(y!, alpha, x!, result!);
            return;
        }
        if (result.Length == 0) return;
        if (!ReferenceEquals(result, y)) y.AsSpan().CopyTo(result);
        NativeCalls++;
        fixed (double* px = x, pr = result)
        {
            _blas.Daxpy(result.Length, alpha, px, 1, pr, 1);
        }
    }

    /// <summary><c>result = alpha·x</c> by <c>cblas_dscal</c> (x is copied into result first unless they are the same
    /// array).</summary>
    /// <param name="alpha">The scalar.</param>
    /// <param name="x">The values to scale.</param>
    /// <param name="result">Where the scaled values go; may be x.</param>
    public void ScaleArray(double alpha, double[] x, double[] result)
    {
        // alpha = 0 and 1 are exact copies/clears in the managed code (0·NaN gives 0 there); keep them.
        if (x == null || result == null || result.Length != x.Length || alpha == 0.0 || alpha == 1.0)
        {
            Managed.ScaleArray(alpha, x!, result!);
            return;
        }
        if (result.Length == 0) return;
        if (!ReferenceEquals(result, x)) x.AsSpan().CopyTo(result);
        NativeCalls++;
        fixed (double* pr = result)
        {
            _blas.Dscal(result.Length, alpha, pr, 1);
        }
    }

    /// <summary><c>Σ_i x[i]·y[i]</c> by <c>cblas_ddot</c>.</summary>
    /// <param name="x">The vector x.</param>
    /// <param name="y">The vector y, same length as x.</param>
    /// <returns>The dot product.</returns>
    public double DotProduct(double[] x, double[] y)
    {
        if (x == null || y == null || x.Length != y.Length) return Managed.DotProduct(x!, y!);
        if (x.Length == 0) return 0.0;
        NativeCalls++;
        fixed (double* px = x, py = y)
        {
            return _blas.Ddot(x.Length, px, 1, py, 1);
        }
    }

    /// <summary>The CBLAS arguments of one GEMM call, worked out from MathNet's arguments.</summary>
    readonly record struct Gemm(int TransA, int TransB, int M, int N, int K, int Lda, int Ldb, int Ldc)
    {
        /// <summary>
        /// op(a) is M×K, op(b) is K×N, c is M×N. False when the shapes do not fit together or do not
        /// match the array lengths (null arrays count as not fitting).
        /// </summary>
        public static bool TryPlan(Transpose transA, Transpose transB, int? lengthA, int rowsA, int columnsA,
            int? lengthB, int rowsB, int columnsB, int? lengthC, out Gemm plan)
        {
            plan = default;
            if (lengthA is not { } la || lengthB is not { } lb || lengthC is not { } lc) return false;
            if (rowsA < 0 || columnsA < 0 || rowsB < 0 || columnsB < 0) return false;
            bool ta = transA != Transpose.DontTranspose, tb = transB != Transpose.DontTranspose;
            int m = ta ? columnsA : rowsA, k = ta ? rowsA : columnsA;
            int kb = tb ? columnsB : rowsB, n = tb ? rowsB : columnsB;
            if (k != kb || (long)rowsA * columnsA != la || (long)rowsB * columnsB != lb || (long)m * n != lc)
                return false;
            // Real matrices: a conjugate transpose is a transpose.
            plan = new Gemm(ta ? CblasLibrary.Trans : CblasLibrary.NoTrans, tb ? CblasLibrary.Trans
                : CblasLibrary.NoTrans,
                m, n, k, Math.Max(1, rowsA), Math.Max(1, rowsB), Math.Max(1, m));
            return true;
        }
    }
}
