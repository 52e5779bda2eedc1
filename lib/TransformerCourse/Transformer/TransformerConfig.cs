namespace TransformerCourse.Transformer;

/// <summary>How a model tells positions apart.</summary>
public enum PositionalEncodingKind
{
    /// <summary>Fixed sin/cos table added to the embeddings (<see cref="SinusoidalPositionalEncoding"/>).</summary>
    Sinusoidal,

    /// <summary>A trained vector per position added to the
    /// embeddings (<see cref="LearnedPositionalEncoding"/>).</summary>
    Learned,

    /// <summary>Queries and keys rotated by position inside
    /// self-attention (<see cref="Attention.RotaryEmbedding"/>).</summary>
    Rotary,
}

/// <summary>
/// The hyper-parameters of a Transformer, named as in the paper. The defaults are the paper's base model
/// (d_model = 512, h = 8, d_ff = 2048, N = 6, dropout 0.1, post-LN, ReLU); the course trains much smaller ones, e.g.
/// <c>new TransformerConfig { DModel = 128, Heads = 4, DFF = 512, EncoderLayers = 2, DecoderLayers = 2 }</c>.
/// </summary>
public sealed record TransformerConfig
{
    /// <summary>d_model, the width of every token vector.</summary>
    public int DModel { get; init; } = 512;

    /// <summary>h, the number of attention heads (must divide d_model).</summary>
    public int Heads { get; init; } = 8;

    /// <summary>
    /// g, the number of key/value heads of every attention layer (must divide h): h (the default) is standard
    /// multi-head attention, 1 multi-query attention, anything between grouped-query attention.
    /// </summary>
    public int KvHeads
    {
        get => _kvHeads ?? Heads;
        init => _kvHeads = value;
    }

    private readonly int? _kvHeads;

    /// <summary>d_ff, the hidden width of the feed-forward network.</summary>
    public int DFF { get; init; } = 2048;

    /// <summary>N, the number of encoder layers.</summary>
    public int EncoderLayers { get; init; } = 6;

    /// <summary>N, the number of decoder layers (also the depth of a decoder-only model).</summary>
    public int DecoderLayers { get; init; } = 6;

    /// <summary>P_drop, used after every sub-layer, on attention weights, in the feed-forward network and after the
    /// positional encoding.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>The feed-forward activation.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Pre-LN (true) or the paper's post-LN (false).</summary>
    public bool NormFirst { get; init; }

    /// <summary>ε of every layer norm.</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>The longest sequence the positional encoding covers.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>How positions are encoded.</summary>
    public PositionalEncodingKind Positional { get; init; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>d_k = d_model / h.</summary>
    public int DK => DModel / Heads;

    /// <summary>Where layer norm goes (from <see cref="NormFirst"/>).</summary>
    public NormPlacement Placement => NormFirst ? NormPlacement.PreLN : NormPlacement.PostLN;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public TransformerConfig Validate()
    {
        if (DModel <= 0 || Heads <= 0 || DModel % Heads != 0)
            throw new ArgumentException($"TransformerConfig: d_model={DModel} must be a positive multiple of " +
                $"h={Heads}.");
        if (KvHeads <= 0 || Heads % KvHeads != 0)
            throw new ArgumentException($"TransformerConfig: g={KvHeads} key/value heads must divide h={Heads}.");
        if (DFF <= 0) throw new ArgumentException($"TransformerConfig: d_ff must be positive, got {DFF}.");
        if (EncoderLayers < 0 || DecoderLayers < 0)
            throw new ArgumentException($"TransformerConfig: layer counts must be ≥ 0, " +
                $"got {EncoderLayers} and {DecoderLayers}.");
        if (Dropout < 0 || Dropout >= 1 || double.IsNaN(Dropout))
            throw new ArgumentException($"TransformerConfig: dropout must be in [0, 1), got {Dropout}.");
        if (MaxLength <= 0)
            throw new ArgumentException($"TransformerConfig: MaxLength must be positive, got {MaxLength}.");
        if (Positional == PositionalEncodingKind.Rotary && DK % 2 != 0)
            throw new ArgumentException($"TransformerConfig: rotary positions need an even d_k, got {DK}.");
        return this;
    }

    /// <summary>The rotary embedding for self-attention when <see cref="Positional"/> is Rotary, else null.</summary>
    internal Attention.RotaryEmbedding? MakeRotary() =>
        Positional == PositionalEncodingKind.Rotary ? new Attention.RotaryEmbedding(DK) : null;
}
