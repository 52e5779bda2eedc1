using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Transformer;

/// <summary>Where layer normalisation goes around each sub-layer.</summary>
public enum NormPlacement
{
    /// <summary>Post-LN (the paper): LayerNorm(x + Dropout(Sublayer(x))). Needs learning-rate warm-up to
    /// train deep stacks.</summary>
    PostLN,

    /// <summary>Pre-LN (GPT-2 and later): x + Dropout(Sublayer(LayerNorm(x))). The residual path stays an identity;
    /// trains without warm-up.</summary>
    PreLN,
}

/// <summary>
/// The residual connection with layer normalisation around a sub-layer (attention or feed-forward), §3.1 and §5.4.
/// Post-LN: y = LayerNorm(x + Dropout(F(x))). Pre-LN: y = x + Dropout(F(LayerNorm(x))). Shapes: x
/// n×d_model, y n×d_model.
/// </summary>
/// <remarks>The skip connection x + … gives gradients a path that does not pass through F, so deep
/// stacks still train.</remarks>
public static class Residual
{
    /// <summary>Applies <paramref name="sublayer"/> to x with a residual connection and layer norm placed as <paramref
    /// name="placement"/> says.</summary>
    public static Tensor Apply(Tensor x, Func<Tensor, Tensor> sublayer, LayerNorm norm, Dropout dropout,
        NormPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(sublayer);
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(dropout);
        return placement == NormPlacement.PostLN
            ? norm.Forward(x + dropout.Forward(sublayer(x)))
            : x + dropout.Forward(sublayer(norm.Forward(x)));
    }
}
