using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Nn;

/// <summary>
/// An affine map y = x·Wᵀ + b (PyTorch's <c>nn.Linear</c>).
/// Shapes: x n×in, W (<c>weight</c>) out×in, b (<c>bias</c>) 1×out, y n×out.
/// Default initialisation as PyTorch: W and b from U(−1/√in, 1/√in).
/// </summary>
public sealed class Linear : Module, ILayer
{
    /// <summary>Creates the layer with PyTorch's default initialisation.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentException($"Linear: sizes must be positive, got in={inFeatures}, out={outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double a = 1.0 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Init.Uniform(outFeatures, inFeatures, -a, a, rng));
        if (bias) Bias = RegisterParameter("bias", Init.Uniform(1, outFeatures, -a, a, rng), outFeatures);
    }

    /// <summary>Input size.</summary>
    public int InFeatures { get; }

    /// <summary>Output size.</summary>
    public int OutFeatures { get; }

    /// <summary>W, out×in.</summary>
    public Tensor Weight { get; }

    /// <summary>b, 1×out, or null without a bias.</summary>
    public Tensor? Bias { get; }

    /// <summary>y = x·Wᵀ + b for x n×in; y is n×out.</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != InFeatures)
            throw new ArgumentException($"Linear: input is {x.Shape} but the layer expects {InFeatures} features " +
                $"(weight is {Weight.Shape}).");
        if (KernelSwitch.Fused) return FusedLinear.Forward(x, Weight, Bias, op: "Linear"); // the same numbers, one node
        var y = x.MatMul(Weight, transposeOther: true);                              // x·Wᵀ, n×out
        return Bias is null ? y : y + Bias;                                          // + b on every row
    }
}
