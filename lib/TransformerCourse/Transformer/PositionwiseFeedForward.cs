using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>The non-linearity inside the feed-forward network.</summary>
public enum Activation
{
    /// <summary>max(0, x), the paper's choice.</summary>
    Relu,

    /// <summary>x·Φ(x) (exact erf form), as BERT and GPT.</summary>
    Gelu,
}

/// <summary>
/// The position-wise feed-forward network (§3.3): FFN(x) = W₂ act(W₁ x + b₁) + b₂, applied to every position
/// separately and identically — two linear maps with an activation between, d_model → d_ff → d_model.
/// Dropout (training only) acts on the hidden layer, as in PyTorch.
/// </summary>
/// <remarks>Parameters (PyTorch names): <c>linear1.weight</c> [d_ff, d_model], <c>linear1.bias</c> [d_ff],
/// <c>linear2.weight</c> [d_model, d_ff], <c>linear2.bias</c> [d_model]. Shapes: x n×d_model → n×d_model.</remarks>
public sealed class PositionwiseFeedForward : Module, ILayer
{
    /// <summary>Creates the two layers (PyTorch's default Linear initialisation).</summary>
    public PositionwiseFeedForward(int dModel, int dFF, Rng rng, Activation activation = Activation.Relu,
        double dropout = 0.0)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Activation = activation;
        Linear1 = RegisterModule("linear1", new Linear(dModel, dFF, rng));
        Dropout = RegisterModule("dropout", new Dropout(dropout, rng.Fork()));
        Linear2 = RegisterModule("linear2", new Linear(dFF, dModel, rng));
    }

    /// <summary>The activation.</summary>
    public Activation Activation { get; }

    /// <summary>W₁, b₁: d_model → d_ff.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout on the hidden layer.</summary>
    public Dropout Dropout { get; }

    /// <summary>W₂, b₂: d_ff → d_model.</summary>
    public Linear Linear2 { get; }

    /// <summary>linear2(dropout(act(linear1(x)))); x n×d_model → n×d_model.</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != Linear1.InFeatures)
            throw new ArgumentException($"PositionwiseFeedForward: input is {x.Shape} but d_model is " +
                $"{Linear1.InFeatures}.");
        if (KernelSwitch.Fused) return FusedForward(x);
        var hidden = Linear1.Forward(x);                                             // W₁ x + b₁, n×d_ff
        hidden = Activation == Activation.Relu ? hidden.Relu() : hidden.Gelu();       // act(·)
        return Linear2.Forward(Dropout.Forward(hidden));                             // W₂ · + b₂, n×d_model
    }

    /// <summary>The same numbers as the readable path, with linear1 and its activation in one fused node.</summary>
    private Tensor FusedForward(Tensor x)
    {
        var act = Activation == Activation.Relu ? FusedActivation.Relu : FusedActivation.Gelu;
        var hidden = FusedLinear.Forward(x, Linear1.Weight, Linear1.Bias, act, "PositionwiseFeedForward.linear1");
        return FusedLinear.Forward(Dropout.Forward(hidden), Linear2.Weight, Linear2.Bias,
            op: "PositionwiseFeedForward.linear2");
    }
}
