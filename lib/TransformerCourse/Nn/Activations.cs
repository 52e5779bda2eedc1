using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>ReLU(x) = max(0, x), element-wise.</summary>
public sealed class ReLU : Module, ILayer
{
    /// <inheritdoc/>
    public Tensor Forward(Tensor x) => x.Relu();
}

/// <summary>GELU(x) = x·Φ(x), element-wise (exact erf form, or the tanh approximation).</summary>
public sealed class GELU(bool tanhApproximation = false) : Module, ILayer
{
    /// <inheritdoc/>
    public Tensor Forward(Tensor x) => x.Gelu(tanhApproximation);
}

/// <summary>tanh, element-wise.</summary>
public sealed class Tanh : Module, ILayer
{
    /// <inheritdoc/>
    public Tensor Forward(Tensor x) => x.Tanh();
}

/// <summary>The logistic sigmoid σ(x) = 1/(1 + e⁻ˣ), element-wise.</summary>
public sealed class Sigmoid : Module, ILayer
{
    /// <inheritdoc/>
    public Tensor Forward(Tensor x) => x.Sigmoid();
}

/// <summary>Layers applied one after another; parameters are named by position ("0.weight", "2.bias"),
/// as in PyTorch.</summary>
public sealed class Sequential : Module, ILayer
{
    private readonly ILayer[] _layers;

    /// <summary>Chains the given layers (each must be a <see cref="Module"/>).</summary>
    public Sequential(params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = layers;
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is not Module m) throw new ArgumentException($"Sequential: layer {i} is not a Module.");
            RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), m);
        }
    }

    /// <summary>Applies each layer in turn.</summary>
    public Tensor Forward(Tensor x)
    {
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }
}
