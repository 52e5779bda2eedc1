using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>Inverted dropout with probability p, active only in training mode
/// (see <see cref="Tensor.Dropout"/>).</summary>
public sealed class Dropout : Module, ILayer
{
    private readonly Rng _rng;

    /// <summary>Creates the layer; masks are drawn from <paramref name="rng"/>.</summary>
    public Dropout(double p, Rng rng)
    {
        if (p < 0 || p >= 1 || double.IsNaN(p))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        P = p;
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
    }

    /// <summary>The drop probability.</summary>
    public double P { get; }

    /// <summary>Drops elements in training mode; identity in evaluation mode.</summary>
    public Tensor Forward(Tensor x) => x.Dropout(P, _rng, Training);
}
