using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>
/// Layer normalisation over the last dimension (PyTorch's <c>nn.LayerNorm(d)</c>):
/// y = γ ⊙ (x − μ) / √(σ² + ε) + β per row. Shapes: x n×d, γ (<c>weight</c>) and β (<c>bias</c>) 1×d, initialised to 1
/// and 0.
/// </summary>
public sealed class LayerNorm : Module, ILayer
{
    /// <summary>Creates the layer for rows of <paramref name="dim"/> features.</summary>
    public LayerNorm(int dim, double eps = 1e-5)
    {
        if (dim <= 0) throw new ArgumentException($"LayerNorm: dimension must be positive, got {dim}.");
        if (!(eps > 0) || double.IsInfinity(eps))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps,
                $"LayerNorm: ε must be a positive number, got {eps}.");
        }
        Dim = dim;
        Eps = eps;
        Weight = RegisterParameter("weight", Init.Ones(1, dim), dim);
        Bias = RegisterParameter("bias", Init.Zeros(1, dim), dim);
    }

    /// <summary>d.</summary>
    public int Dim { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>γ, 1×d.</summary>
    public Tensor Weight { get; }

    /// <summary>β, 1×d.</summary>
    public Tensor Bias { get; }

    /// <summary>Normalises each row of x (n×d).</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != Dim)
            throw new ArgumentException(
                $"LayerNorm: input is {x.Shape} but gamma is {Weight.Shape}: the layer normalises {Dim} features.");
        if (KernelSwitch.Fused) return x.LayerNorm(Weight, Bias, Eps);  // the same numbers, one node
        var mean = x.RowMeans();                                    // μ, n×1
        x.CheckFiniteRows(mean);                                    // NaN or ±∞ has no mean: an error, as fused
        var centred = x - mean;                                     // x − μ, n×d
        var variance = centred.Square().RowMeans();                 // σ², n×1 (the biased variance, as PyTorch)
        var normalised = centred.Div((variance + Eps).Sqrt());      // (x − μ)/√(σ² + ε)
        return normalised.Mul(Weight) + Bias;                       // γ ⊙ x̂ + β on every row
    }
}
