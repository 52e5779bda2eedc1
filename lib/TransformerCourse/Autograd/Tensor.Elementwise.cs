using MathNet.Numerics;

namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>eˣ, element-wise.</summary>
    public Tensor Exp() => Unary("Exp", Math.Exp, (x, y) => y);

    /// <summary>ln x, element-wise. Throws for a negative input (which would give NaN); ln 0 = −∞.</summary>
    public Tensor Log()
    {
        var v = Shapes.Values(Data);
        for (int k = 0; k < v.Length; k++)
        {
            if (v[k] < 0 || double.IsNaN(v[k]))
                throw new ArgumentException($"Log: the {Shape} input has {v[k]} at row {k % Rows}, column " +
                    $"{k / Rows}; the logarithm needs x ≥ 0.");
        }
        return Unary("Log", Math.Log, (x, y) => 1.0 / x);
    }

    /// <summary>tanh x, element-wise; derivative 1 − tanh² x.</summary>
    public Tensor Tanh() => Unary("Tanh", Math.Tanh, (x, y) => 1 - y * y);

    /// <summary>σ(x) = 1 / (1 + e⁻ˣ), element-wise; derivative σ(1 − σ).</summary>
    public Tensor Sigmoid() => Unary("Sigmoid", StableSigmoid, (x, y) => y * (1 - y));

    /// <summary>max(0, x), element-wise; derivative 1 for x &gt; 0, else 0.</summary>
    public Tensor Relu() => Unary("Relu", x => x > 0 ? x : 0.0, (x, y) => x > 0 ? 1.0 : 0.0);

    /// <summary>
    /// GELU(x) = x·Φ(x) with Φ the standard normal CDF, Φ(x) = ½(1 + erf(x/√2)) (PyTorch's default).
    /// With <paramref name="tanhApproximation"/>: ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    /// </summary>
    public Tensor Gelu(bool tanhApproximation = false)
    {
        if (!tanhApproximation)
            return Unary("Gelu", x => x * GeluCdf(x), (x, y) => GeluDerivative(x, GeluCdf(x)));
        const double c = 0.79788456080286535588; // √(2/π)
        return Unary("GeluTanh",
            x => 0.5 * x * (1 + Math.Tanh(c * (x + 0.044715 * x * x * x))),
            (x, y) =>
            {
                double t = Math.Tanh(c * (x + 0.044715 * x * x * x));
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
            });
    }

    /// <summary>x², element-wise.</summary>
    public Tensor Square() => Unary("Square", x => x * x, (x, y) => 2 * x);

    /// <summary>√x, element-wise. Throws for a negative input.</summary>
    public Tensor Sqrt()
    {
        var v = Shapes.Values(Data);
        for (int k = 0; k < v.Length; k++)
        {
            if (v[k] < 0 || double.IsNaN(v[k]))
                throw new ArgumentException($"Sqrt: the {Shape} input has {v[k]} at row {k % Rows}, column " +
                    $"{k / Rows}; the square root needs x ≥ 0.");
        }
        return Unary("Sqrt", Math.Sqrt, (x, y) => 0.5 / y);
    }

    /// <summary>xᵖ, element-wise, for a constant exponent p.</summary>
    public Tensor Pow(double p) => Unary("Pow", x => Math.Pow(x, p), (x, y) => p * Math.Pow(x, p - 1));

    /// <summary>
    /// Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF (GELU's gate), shared with the fused kernels.
    /// </summary>
    internal static double GeluCdf(double x) => 0.5 * (1 + SpecialFunctions.Erf(x * InvSqrt2));

    /// <summary>GELU'(x) = Φ(x) + x·φ(x), given Φ(x), shared with the fused kernels.</summary>
    internal static double GeluDerivative(double x, double cdf) => cdf + x * InvSqrt2Pi * Math.Exp(-0.5 * x * x);

    private const double InvSqrt2 = 0.70710678118654752440;
    private const double InvSqrt2Pi = 0.39894228040143267794;

    /// <summary>σ(x), computed without overflow for large |x|, shared with the fused kernels.</summary>
    internal static double StableSigmoid(double x)
    {
        if (x >= 0) return 1.0 / (1.0 + Math.Exp(-x));
        double e = Math.Exp(x);
        return e / (1.0 + e);
    }

    /// <summary>An element-wise function y = f(x) whose derivative df(x, y) is known.</summary>
    private Tensor Unary(string op, Func<double, double> f, Func<double, double, double> df)
    {
        var xv = Shapes.Values(Data);
        var yv = new double[xv.Length];
        for (int k = 0; k < xv.Length; k++) yv[k] = f(xv[k]);
        var self = this;
        int rows = Rows, cols = Cols;
        return FromOp(Shapes.Wrap(rows, cols, yv), op, [this], g =>
        {
            var gv = Shapes.Values(g);
            var gx = new double[xv.Length];
            for (int k = 0; k < gx.Length; k++) gx[k] = gv[k] * df(xv[k], yv[k]);
            self.AddGradOwned(Shapes.Wrap(rows, cols, gx));
        });
    }
}
