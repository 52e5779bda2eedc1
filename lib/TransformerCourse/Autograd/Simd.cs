using System.Numerics;
using System.Runtime.InteropServices;

namespace TransformerCourse.Autograd;

/// <summary>Element-wise loops over spans with SIMD (System.Numerics.Vector), for the hot paths of the operations.</summary>
internal static class Simd
{
    /// <summary>z = x + y.</summary>
    public static void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
            for (int k = 0; k < vz.Length; k++) vz[k] = vx[k] + vy[k];
            i = vz.Length * Vector<double>.Count;
        }
        for (; i < z.Length; i++) z[i] = x[i] + y[i];
    }

    /// <summary>z = x + s·y.</summary>
    public static void AddScaled(ReadOnlySpan<double> x, double s, ReadOnlySpan<double> y, Span<double> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
            var vs = new Vector<double>(s);
            for (int k = 0; k < vz.Length; k++) vz[k] = vx[k] + vs * vy[k];
            i = vz.Length * Vector<double>.Count;
        }
        for (; i < z.Length; i++) z[i] = x[i] + s * y[i];
    }

    /// <summary>y = s·x.</summary>
    public static void Scale(double s, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            var vs = new Vector<double>(s);
            for (int k = 0; k < vy.Length; k++) vy[k] = vs * vx[k];
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < y.Length; i++) y[i] = s * x[i];
    }

    /// <summary>Σ x.</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            for (int k = 0; k < vx.Length; k++) acc += vx[k];
            sum = Vector.Sum(acc);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }
}
