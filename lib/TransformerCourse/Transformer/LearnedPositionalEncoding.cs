using TransformerCourse.Autograd;

namespace TransformerCourse.Transformer;

/// <summary>
/// Learned absolute positions (as BERT and GPT): a trainable vector per position, added to the token embeddings,
/// then dropout: y_{b·T+t} = x_{b·T+t} + P[t].
/// </summary>
/// <remarks>Parameter <c>weight</c> [maxLength, d_model], initialised N(0, 1) as <c>nn.Embedding</c>. It cannot
/// encode positions beyond maxLength, which the sinusoidal encoding can.</remarks>
public sealed class LearnedPositionalEncoding : Nn.Module
{
    private readonly Nn.Dropout _dropout;

    /// <summary>Creates the table.</summary>
    /// <param name="maxLength">The number of positions.</param>
    /// <param name="dModel">d_model.</param>
    /// <param name="rng">The random source for the initial values and dropout.</param>
    /// <param name="dropout">Dropout after adding (training mode only).</param>
    public LearnedPositionalEncoding(int maxLength, int dModel, Rng rng, double dropout = 0.0)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (maxLength <= 0 || dModel <= 0)
            throw new ArgumentException($"LearnedPositionalEncoding: sizes must be positive, got " +
                $"maxLength={maxLength}, d_model={dModel}.");
        Weight = RegisterParameter("weight", Nn.Init.Normal(maxLength, dModel, 0, 1, rng));
        _dropout = RegisterModule("dropout", new Nn.Dropout(dropout, rng.Fork()));
    }

    /// <summary>P, maxLength×d_model.</summary>
    public Tensor Weight { get; }

    /// <summary>The maximum number of positions.</summary>
    public int MaxLength => Weight.Rows;

    /// <summary>x + P[startPosition + t] for every row b·T + t, then dropout. x is (B·T)×d_model.</summary>
    public Tensor Forward(Tensor x, int time, int startPosition = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != Weight.Cols || time <= 0 || x.Rows % time != 0)
            throw new ArgumentException($"LearnedPositionalEncoding: input is {x.Shape}; it must be " +
                $"(B·T)×{Weight.Cols} with T={time}.");
        if (startPosition < 0 || startPosition + time > MaxLength)
            throw new ArgumentException($"LearnedPositionalEncoding: " +
                $"positions {startPosition}…{startPosition + time - 1} are beyond the table of {MaxLength}.");
        var positions = new int[x.Rows];
        for (int r = 0; r < positions.Length; r++) positions[r] = startPosition + r % time;
        return _dropout.Forward(x + Weight.GatherRows(positions));
    }
}
