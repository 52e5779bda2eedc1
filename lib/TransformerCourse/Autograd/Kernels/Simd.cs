using System.Numerics;
using System.Runtime.InteropServices;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>
/// Element-wise loops over spans with SIMD (System.Numerics.Vector), for the hot paths of the operations.
/// </summary>
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

    /// <summary>z = x + s, element-wise.</summary>
    public static void AddScalar(ReadOnlySpan<double> x, double s, Span<double> z)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vz = MemoryMarshal.Cast<double, Vector<double>>(z);
            var vs = new Vector<double>(s);
            for (int k = 0; k < vz.Length; k++) vz[k] = vx[k] + vs;
            i = vz.Length * Vector<double>.Count;
        }
        for (; i < z.Length; i++) z[i] = x[i] + s;
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

    /// <summary>Σ xᵢ·yᵢ.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc = Vector<double>.Zero;
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int k = 0; k < vx.Length; k++) acc += vx[k] * vy[k];
            sum = Vector.Sum(acc);
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) sum += x[i] * y[i];
        return sum;
    }

    /// <summary>x = x / d (a true division, as the scalar code it replaces).</summary>
    public static void Divide(Span<double> x, double d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vd = new Vector<double>(d);
            for (int k = 0; k < vx.Length; k++) vx[k] /= vd;
            i = vx.Length * Vector<double>.Count;
        }
        for (; i < x.Length; i++) x[i] /= d;
    }

    // ---- layer norm, per column of a column-major n×d matrix: spans of n rows --------------------------------------

    /// <summary>acc += (x − μ)², element-wise.</summary>
    public static void AddSquaredDifference(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, Span<double> acc)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(mean);
            var va = MemoryMarshal.Cast<double, Vector<double>>(acc);
            for (int k = 0; k < va.Length; k++)
            {
                var c = vx[k] - vm[k];
                va[k] += c * c;
            }
            i = va.Length * Vector<double>.Count;
        }
        for (; i < acc.Length; i++)
        {
            double c = x[i] - mean[i];
            acc[i] += c * c;
        }
    }

    /// <summary>v = 1 / √(v/d + ε): from Σ(x − μ)² to the inverse standard deviation.</summary>
    public static void InverseStd(Span<double> v, double d, double eps)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vv = MemoryMarshal.Cast<double, Vector<double>>(v);
            Vector<double> vd = new(d), ve = new(eps);
            for (int k = 0; k < vv.Length; k++) vv[k] = Vector<double>.One / Vector.SquareRoot(vv[k] / vd + ve);
            i = vv.Length * Vector<double>.Count;
        }
        for (; i < v.Length; i++) v[i] = 1.0 / Math.Sqrt(v[i] / d + eps);
    }

    /// <summary>x̂ = (x − μ)·(1/σ).</summary>
    public static void Normalize(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd,
        Span<double> xhat)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(mean);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(invStd);
            var vh = MemoryMarshal.Cast<double, Vector<double>>(xhat);
            for (int k = 0; k < vh.Length; k++) vh[k] = (vx[k] - vm[k]) * vs[k];
            i = vh.Length * Vector<double>.Count;
        }
        for (; i < xhat.Length; i++) xhat[i] = (x[i] - mean[i]) * invStd[i];
    }

    /// <summary>y = γ·((x − μ)·(1/σ)) + β for one column (one γ and β).</summary>
    public static void NormalizeAffine(ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> invStd,
        double gamma, double beta, Span<double> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vx = MemoryMarshal.Cast<double, Vector<double>>(x);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(mean);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(invStd);
            var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
            Vector<double> vg = new(gamma), vb = new(beta);
            for (int k = 0; k < vy.Length; k++) vy[k] = vg * ((vx[k] - vm[k]) * vs[k]) + vb;
            i = vy.Length * Vector<double>.Count;
        }
        for (; i < y.Length; i++) y[i] = gamma * ((x[i] - mean[i]) * invStd[i]) + beta;
    }

    /// <summary>With ĝ = g·γ: m1 += ĝ and m2 += ĝ·x̂, element-wise (the row sums of layer norm's backward).</summary>
    public static void AccumulateScaled(ReadOnlySpan<double> g, double gamma, ReadOnlySpan<double> xhat,
        Span<double> m1, Span<double> m2)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vg = MemoryMarshal.Cast<double, Vector<double>>(g);
            var vh = MemoryMarshal.Cast<double, Vector<double>>(xhat);
            var v1 = MemoryMarshal.Cast<double, Vector<double>>(m1);
            var v2 = MemoryMarshal.Cast<double, Vector<double>>(m2);
            var vgamma = new Vector<double>(gamma);
            for (int k = 0; k < v1.Length; k++)
            {
                var gh = vg[k] * vgamma;
                v1[k] += gh;
                v2[k] += gh * vh[k];
            }
            i = v1.Length * Vector<double>.Count;
        }
        for (; i < m1.Length; i++)
        {
            double gh = g[i] * gamma;
            m1[i] += gh;
            m2[i] += gh * xhat[i];
        }
    }

    /// <summary>
    /// ∂x = (1/σ)·(g·γ − m1 − x̂·m2), element-wise (layer norm's input gradient, m1 and m2 already means).
    /// </summary>
    public static void LayerNormInputGradient(ReadOnlySpan<double> g, double gamma, ReadOnlySpan<double> xhat,
        ReadOnlySpan<double> m1, ReadOnlySpan<double> m2, ReadOnlySpan<double> invStd, Span<double> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vg = MemoryMarshal.Cast<double, Vector<double>>(g);
            var vh = MemoryMarshal.Cast<double, Vector<double>>(xhat);
            var v1 = MemoryMarshal.Cast<double, Vector<double>>(m1);
            var v2 = MemoryMarshal.Cast<double, Vector<double>>(m2);
            var vs = MemoryMarshal.Cast<double, Vector<double>>(invStd);
            var vd = MemoryMarshal.Cast<double, Vector<double>>(dx);
            var vgamma = new Vector<double>(gamma);
            for (int k = 0; k < vd.Length; k++) vd[k] = vs[k] * (vg[k] * vgamma - v1[k] - vh[k] * v2[k]);
            i = vd.Length * Vector<double>.Count;
        }
        for (; i < dx.Length; i++) dx[i] = invStd[i] * (g[i] * gamma - m1[i] - xhat[i] * m2[i]);
    }

    /// <summary>
    /// One Adam step over a parameter's values θ with gradient g and moments m, v (see <c>Optim/Adam.cs</c> for the
    /// rule): θ ← decay·θ (AdamW), g ← g + λθ (L2), m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
    /// θ ← θ − step·m / (√v / √(1 − β₂ᵗ) + ε); decay 1 and λ 0 leave those two steps out.
    /// </summary>
    public static void AdamUpdate(Span<double> theta, ReadOnlySpan<double> grad, Span<double> m, Span<double> v,
        AdamCoefficients c)
    {
        double c1 = 1 - c.Beta1, c2 = 1 - c.Beta2;
        bool decoupled = c.Decay != 1, l2 = c.L2 != 0;
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vt = MemoryMarshal.Cast<double, Vector<double>>(theta);
            var vg = MemoryMarshal.Cast<double, Vector<double>>(grad);
            var vm = MemoryMarshal.Cast<double, Vector<double>>(m);
            var vv = MemoryMarshal.Cast<double, Vector<double>>(v);
            Vector<double> b1 = new(c.Beta1), b2 = new(c.Beta2), one1 = new(c1), one2 = new(c2), eps = new(c.Eps),
                wd = new(c.L2), decay = new(c.Decay), step = new(c.StepSize), q = new(c.SqrtBias2);
            for (int j = 0; j < vt.Length; j++)
            {
                var g = vg[j];
                if (decoupled) vt[j] *= decay;
                else if (l2) g += wd * vt[j];
                vm[j] = b1 * vm[j] + one1 * g;
                vv[j] = b2 * vv[j] + one2 * g * g;
                vt[j] -= step * vm[j] / (Vector.SquareRoot(vv[j]) / q + eps);
            }
            k = vt.Length * Vector<double>.Count;
        }
        for (; k < theta.Length; k++)
        {
            double g = grad[k];
            if (decoupled) theta[k] *= c.Decay;
            else if (l2) g += c.L2 * theta[k];
            m[k] = c.Beta1 * m[k] + c1 * g;
            v[k] = c.Beta2 * v[k] + c2 * g * g;
            theta[k] -= c.StepSize * m[k] / (Math.Sqrt(v[k]) / c.SqrtBias2 + c.Eps);
        }
    }
}

/// <summary>The numbers of one Adam step (<see cref="Simd.AdamUpdate"/>).</summary>
/// <param name="Beta1">β₁.</param>
/// <param name="Beta2">β₂.</param>
/// <param name="Eps">ε.</param>
/// <param name="L2">λ of L2 weight decay added to the gradient (Adam), 0 for none.</param>
/// <param name="Decay">1 − lr·λ, the factor of decoupled weight decay (AdamW), 1 for none.</param>
/// <param name="StepSize">lr / (1 − β₁ᵗ).</param>
/// <param name="SqrtBias2">√(1 − β₂ᵗ).</param>
internal readonly record struct AdamCoefficients(double Beta1, double Beta2, double Eps, double L2, double Decay,
    double StepSize, double SqrtBias2);
