using System.Numerics;
using System.Runtime.InteropServices;
using TransformerCourse.Autograd;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>The activation applied inside <see cref="FusedLinear"/>.</summary>
internal enum FusedActivation
{
    None,
    Relu,
    Gelu,
}

/// <summary>
/// y = act(x·Wᵀ + b) as one autograd node (a Linear layer, its bias and its activation together), with
/// ∂z = ∂y ⊙ act'(z), ∂x = ∂z·W, ∂W = ∂zᵀ·x, ∂b = column sums of ∂z. Shapes: x n×in, W out×in, b 1×out, y n×out.
/// The same numbers as <c>x.MatMul(W, transposeOther: true) + b</c> followed by the activation, in one pass
/// over the data instead of three, for the Transformer's hot paths.
/// </summary>
internal static class FusedLinear
{
    public static Tensor Forward(Tensor x, Tensor w, Tensor? b, FusedActivation act = FusedActivation.None,
        string op = "Linear")
    {
        if (x.Cols != w.Cols)
            throw new ArgumentException($"{op}: input is {x.Shape} but the weight is {w.Shape}; the input needs " +
                $"{w.Cols} columns.");
        if (b is not null && (b.Rows != 1 || b.Cols != w.Rows))
            throw new ArgumentException($"{op}: bias is {b.Shape} but must be 1×{w.Rows} for a {w.Shape} weight.");
        int n = x.Rows, m = w.Rows;
        // Every entry is written by the product (β = 0), so the array need not be zeroed first.
        var yv = GC.AllocateUninitializedArray<double>(n * m);
        var y = Shapes.Wrap(n, m, yv);
        FastGemm.Multiply(false, true, 1.0, x.Data, w.Data, 0.0, y);
        if (b is not null)
        {
            var bv = Shapes.Values(b.Data);
            for (int j = 0; j < m; j++) AddScalar(yv.AsSpan(j * n, n), bv[j]);
        }
        double[]? z = null, cdf = null; // GELU keeps z and Φ(z) for its derivative Φ(z) + z·φ(z)
        switch (act)
        {
            case FusedActivation.Relu:
                Relu(yv);
                break;
            case FusedActivation.Gelu:
                z = (double[])yv.Clone();
                cdf = GC.AllocateUninitializedArray<double>(yv.Length);
                for (int k = 0; k < yv.Length; k++)
                {
                    cdf[k] = Tensor.GeluCdf(z[k]);
                    yv[k] = z[k] * cdf[k];
                }
                break;
        }

        return Tensor.FromOp(y, op, b is null ? [x, w] : [x, w, b], g =>
        {
            var gv = Shapes.Values(g);
            var dzv = act == FusedActivation.None ? gv : GC.AllocateUninitializedArray<double>(n * m);
            var dz = act == FusedActivation.None ? g : Shapes.Wrap(n, m, dzv);
            switch (act)
            {
                case FusedActivation.Relu:
                    ReluBackward(yv, gv, dzv);
                    break;
                case FusedActivation.Gelu:
                    for (int k = 0; k < dzv.Length; k++)
                    {
                        dzv[k] = gv[k] * Tensor.GeluDerivative(z![k], cdf![k]);
                    }
                    break;
            }
            if (x.RequiresGrad) FastGemm.Multiply(false, false, 1.0, dz, w.Data, 1.0, x.GradBuffer());
            if (w.RequiresGrad) FastGemm.Multiply(true, false, 1.0, dz, x.Data, 1.0, w.GradBuffer());
            if (b is not null && b.RequiresGrad)
            {
                var db = Shapes.Values(b.GradBuffer());
                for (int j = 0; j < m; j++) db[j] += Simd.Sum(dzv.AsSpan(j * n, n));
            }
        });
    }

    // Element-wise loops with SIMD vectors and no branches (a branch per element mispredicts half the time on ReLU).

    private static void AddScalar(Span<double> x, double s)
    {
        var v = MemoryMarshal.Cast<double, Vector<double>>(x);
        var vs = new Vector<double>(s);
        for (int i = 0; i < v.Length; i++) v[i] += vs;
        for (int i = v.Length * Vector<double>.Count; i < x.Length; i++) x[i] += s;
    }

    private static void Relu(Span<double> x)
    {
        var v = MemoryMarshal.Cast<double, Vector<double>>(x);
        for (int i = 0; i < v.Length; i++) v[i] = Vector.Max(v[i], Vector<double>.Zero);
        for (int i = v.Length * Vector<double>.Count; i < x.Length; i++) x[i] = x[i] > 0 ? x[i] : 0.0;
    }

    /// <summary>dz = g where y &gt; 0, else 0.</summary>
    private static void ReluBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> g, Span<double> dz)
    {
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
        var vg = MemoryMarshal.Cast<double, Vector<double>>(g);
        var vd = MemoryMarshal.Cast<double, Vector<double>>(dz);
        for (int i = 0; i < vd.Length; i++)
            vd[i] = Vector.ConditionalSelect(Vector.GreaterThan(vy[i], Vector<double>.Zero), vg[i],
                Vector<double>.Zero);
        for (int i = vd.Length * Vector<double>.Count; i < dz.Length; i++) dz[i] = y[i] > 0 ? g[i] : 0.0;
    }
}
