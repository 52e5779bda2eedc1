using System.Numerics;
using System.Runtime.InteropServices;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Attention;

/// <summary>
/// C ← α·op(A)·op(B) + β·C for the small per-(sequence, head) blocks of batched attention
/// (column-major arrays of exactly rows·cols values, as MathNet's provider takes them).
/// </summary>
/// <remarks>
/// A native provider (MKL, OpenBLAS) is called directly. MathNet's managed provider is built for big matrices:
/// on a 32×32 block it spends ~5× longer copying columns and starting threads than a plain SIMD loop, so for it
/// these blocks use the loops below instead (the attention op already runs blocks on all cores).
/// </remarks>
internal static class SmallGemm
{
    private static readonly Type ManagedProvider = typeof(ManagedLinearAlgebraProvider);

    /// <summary>For tests: route every product through the provider, as with a native one (flows into parallel loops).</summary>
    internal static readonly AsyncLocal<bool> AlwaysUseProvider = new();

    public static void Multiply(bool transA, bool transB, double alpha, double[] a, int aRows, int aCols,
        double[] b, int bRows, int bCols, double beta, double[] c)
    {
        var provider = LinearAlgebraControl.Provider;
        if (provider.GetType() != ManagedProvider || (transA && transB) || AlwaysUseProvider.Value)
        {
            provider.MatrixMultiplyWithUpdate(
                transA ? Transpose.Transpose : Transpose.DontTranspose,
                transB ? Transpose.Transpose : Transpose.DontTranspose,
                alpha, a, aRows, aCols, b, bRows, bCols, beta, c);
            return;
        }
        if (transA) MultiplyTN(alpha, a, aRows, aCols, b, bCols, beta, c);
        else MultiplyNx(transB, alpha, a, aRows, aCols, b, bRows, transB ? bRows : bCols, beta, c);
    }

    /// <summary>C (m×n) = α·A·op(B) + β·C with A m×k: each column of C is a combination of A's columns.</summary>
    private static void MultiplyNx(bool transB, double alpha, double[] a, int m, int k, double[] b, int bRows, int n, double beta, double[] c)
    {
        for (int j = 0; j < n; j++)
        {
            var cj = c.AsSpan(j * m, m);
            if (beta == 0.0) cj.Clear();
            else if (beta != 1.0) Scale(beta, cj);
            int p = 0;
            for (; p + 4 <= k; p += 4)
            {
                double s0 = alpha * B(p), s1 = alpha * B(p + 1), s2 = alpha * B(p + 2), s3 = alpha * B(p + 3);
                Axpy4(s0, s1, s2, s3, a.AsSpan(p * m, m), a.AsSpan((p + 1) * m, m), a.AsSpan((p + 2) * m, m), a.AsSpan((p + 3) * m, m), cj);
            }
            for (; p < k; p++) Axpy(alpha * B(p), a.AsSpan(p * m, m), cj);

            // B[p, j] of op(B): B is k×n (or n×k when transposed).
            double B(int q) => transB ? b[j + q * bRows] : b[q + j * bRows];
        }
    }

    /// <summary>C (m×n) = α·Aᵀ·B + β·C with A k×m and B k×n: each entry is a dot product of two columns.</summary>
    private static void MultiplyTN(double alpha, double[] a, int k, int m, double[] b, int n, double beta, double[] c)
    {
        for (int j = 0; j < n; j++)
        {
            var bj = b.AsSpan(j * k, k);
            for (int i = 0; i < m; i++)
            {
                double dot = Dot(a.AsSpan(i * k, k), bj);
                int idx = i + j * m;
                c[idx] = beta == 0.0 ? alpha * dot : beta * c[idx] + alpha * dot;
            }
        }
    }

    private static void Scale(double s, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] *= s;
    }

    private static void Axpy(double s, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vs = new Vector<double>(s);
            for (int v = 0; v < vy.Length; v++) vy[v] += vs * vx[v];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < y.Length; i++) y[i] += s * x[i];
    }

    private static void Axpy4(double s0, double s1, double s2, double s3,
        ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> x2, ReadOnlySpan<double> x3, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && y.Length >= Vector<double>.Count)
        {
            var v0 = MemoryMarshal.Cast<double, Vector<double>>(x0);
            var v1 = MemoryMarshal.Cast<double, Vector<double>>(x1);
            var v2 = MemoryMarshal.Cast<double, Vector<double>>(x2);
            var v3 = MemoryMarshal.Cast<double, Vector<double>>(x3);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            Vector<double> a0 = new(s0), a1 = new(s1), a2 = new(s2), a3 = new(s3);
            for (int v = 0; v < vy.Length; v++) vy[v] += a0 * v0[v] + a1 * v1[v] + a2 * v2[v] + a3 * v3[v];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < y.Length; i++) y[i] += s0 * x0[i] + s1 * x1[i] + s2 * x2[i] + s3 * x3[i];
    }

    private static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var acc = Vector<double>.Zero;
            for (int v = 0; v < vx.Length; v++) acc += vx[v] * vy[v];
            sum = Vector.Sum(acc);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }
}
