namespace TransformerCourse.Native;

/// <summary>Which linear-algebra provider MathNet is using.</summary>
public enum AccelerationKind
{
    /// <summary>MathNet's managed (pure C#) provider.</summary>
    Managed,
    /// <summary>Our <see cref="CblasLinearAlgebraProvider"/> over a native CBLAS library.</summary>
    Cblas,
    /// <summary>MathNet's official MKL provider (the <c>MathNet.Numerics.Providers.MKL</c> package).</summary>
    OfficialMkl,
}

/// <summary>
/// What <see cref="Acceleration.Enable(bool, int?)"/> did: which provider is now active, over which
/// library, and why.
/// </summary>
/// <param name="Kind">Managed, our CBLAS provider, or MathNet's official MKL provider.</param>
/// <param name="Library">"OpenBLAS", "MKL", "Accelerate", "CBLAS" (another CBLAS library), "MathNet MKL provider" or
/// "none".</param>
/// <param name="Path">The native library file that was loaded, or null when managed.</param>
/// <param name="ProviderName">The active provider's own description (its <c>ToString()</c>).</param>
/// <param name="Threads">The native library's thread count, when it reports one.</param>
/// <param name="Tried">Every candidate that was tried before this outcome, with why it was passed over.</param>
/// <param name="Message">One sentence for a person: what is active and why.</param>
public sealed record AccelerationResult(
    AccelerationKind Kind,
    string Library,
    string? Path,
    string ProviderName,
    int? Threads,
    IReadOnlyList<string> Tried,
    string Message)
{
    /// <summary>True when matrix products run in native code.</summary>
    public bool IsNative => Kind != AccelerationKind.Managed;

    /// <summary>The <see cref="Message"/>, so that a notebook cell shows it as it is.</summary>
    public override string ToString() => Message;
}

/// <summary>Options for <see cref="Acceleration.Enable(AccelerationOptions)"/>; the defaults suit almost
/// everyone.</summary>
public sealed record AccelerationOptions
{
    /// <summary>Try MathNet's official MKL provider (<c>Control.TryUseNativeMKL()</c>) before our own search.</summary>
    public bool PreferOfficialMkl { get; init; }

    /// <summary>Threads for the native library (OpenBLAS, MKL); null leaves the library's default.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Library names or paths to try, in order; null means <see cref="Acceleration.DefaultCandidates"/>
    /// (MKL, then OpenBLAS, then Accelerate).
    /// </summary>
    public IReadOnlyList<string>? Candidates { get; init; }

    /// <summary>
    /// A forced choice, as in the <c>TRANSFORMERCOURSE_BLAS</c> environment variable: <c>managed</c>,
    /// <c>mkl</c>, <c>openblas</c>, <c>accelerate</c>, <c>auto</c>, or a library path. Null reads the
    /// environment variable.
    /// </summary>
    public string? Override { get; init; }
}
