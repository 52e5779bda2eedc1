namespace TransformerCourse;

/// <summary>
/// The one switch between the two ways every layer can run: the readable composition of autograd operations that
/// follows the paper line by line (<see cref="Fused"/> false), or hand-written fused kernels that compute the same
/// numbers faster (<see cref="Fused"/> true, the default, as training wants).
/// </summary>
/// <remarks>
/// <para>Each layer's <c>Forward</c> shows both side by side, e.g. in <c>MultiHeadAttention</c>:
/// <c>KernelSwitch.Fused ? FusedAttention.Forward(...) : ScaledDotProductAttention.Forward(...)</c>. The tests prove
/// that the two give the same outputs and gradients (to ~1e-12). The kernels live in <c>Autograd/Kernels/</c>, the
/// attention kernel, which needs the attention masks, in <c>Attention/Kernels/</c>.</para>
/// <para>Set it once, e.g. <c>KernelSwitch.Fused = false;</c> in a notebook, to step through the readable path.</para>
/// </remarks>
public static class KernelSwitch
{
    private static volatile bool _fused = true;
    private static readonly AsyncLocal<bool?> Scoped = new();

    /// <summary>
    /// Whether layers run their fused kernels (true, the default) or the readable composition (false).
    /// </summary>
    public static bool Fused
    {
        get => Scoped.Value ?? _fused;
        set => _fused = value;
    }

    /// <summary>
    /// Sets <see cref="Fused"/> for the current flow of execution only (this thread and the tasks it starts) until the
    /// returned scope is disposed: <c>using (KernelSwitch.Use(fused: false)) { ... }</c>. Other threads keep their
    /// setting.
    /// </summary>
    public static IDisposable Use(bool fused)
    {
        var previous = Scoped.Value;
        Scoped.Value = fused;
        return new Scope(previous);
    }

    private sealed class Scope(bool? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Scoped.Value = previous;
        }
    }
}
