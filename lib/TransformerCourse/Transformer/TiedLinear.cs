using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>
/// An output layer that reuses the embedding table as its weight (weight tying, §3.4 of the paper, Press
/// &amp; Wolf 2017):
/// logits = x·Eᵀ + b, with E the V×d_model embedding. Only the bias <c>bias</c> [V] is its own parameter; E is
/// registered (and trained) once, by the embedding.
/// Shapes: x n×d_model → n×V.
/// </summary>
public sealed class TiedLinear : Module, ILayer
{
    /// <summary>Ties the output to <paramref name="weight"/> (V×d_model), with a zero-initialised bias.</summary>
    public TiedLinear(Tensor weight, bool bias = true)
    {
        Weight = weight ?? throw new ArgumentNullException(nameof(weight));
        if (bias) Bias = RegisterParameter("bias", Init.Zeros(1, weight.Rows), weight.Rows);
    }

    /// <summary>E, the shared V×d_model table (not registered here).</summary>
    public Tensor Weight { get; }

    /// <summary>b, 1×V, or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>x·Eᵀ + b; x n×d_model → n×V.</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (KernelSwitch.Fused) return FusedLinear.Forward(x, Weight, Bias, op: "TiedLinear"); // same numbers, fused
        var y = x.MatMul(Weight, transposeOther: true);                                  // x·Eᵀ, n×V
        return Bias is null ? y : y + Bias;
    }
}
