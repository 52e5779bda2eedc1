using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Native;

/// <summary>
/// Turns native linear algebra on for MathNet (and so for the whole course) with one call:
/// <code>
/// var result = Acceleration.Enable();   // "Native linear algebra: OpenBLAS 0.3.21 … from /usr/lib/…"
/// Console.WriteLine(Acceleration.Describe());
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Enable(bool, int?)"/> looks for a CBLAS library in this order: Intel MKL
/// (<c>libmkl_rt</c>), OpenBLAS, Apple Accelerate. The first that loads, exports the CBLAS functions
/// and computes a known product correctly becomes MathNet's provider
/// (<see cref="LinearAlgebraControl.Provider"/>) as a <see cref="CblasLinearAlgebraProvider"/>.
/// When none is found, MathNet stays on its managed provider and the result says so; nothing fails.
/// </para>
/// <para>
/// The environment variable <c>TRANSFORMERCOURSE_BLAS</c> forces a choice: <c>managed</c>, <c>mkl</c>,
/// <c>openblas</c>, <c>accelerate</c>, <c>auto</c> (the default search) or the path of a library.
/// </para>
/// </remarks>
public static class Acceleration
{
    /// <summary>The environment variable that forces a choice: <c>TRANSFORMERCOURSE_BLAS</c>.</summary>
    public const string EnvironmentVariable = "TRANSFORMERCOURSE_BLAS";

    static readonly object Gate = new();
    static readonly string[] Families = ["mkl", "openblas", "accelerate"];
    static AccelerationResult? _last;

    /// <summary>The libraries tried by default on this operating system, in order: MKL, OpenBLAS, Accelerate.</summary>
    public static IReadOnlyList<string> DefaultCandidates { get; } = CandidatesForThisOs();

    /// <summary>
    /// Finds a native CBLAS library and makes MathNet use it for matrix products; reports what was loaded.
    /// </summary>
    /// <param name="preferOfficialMkl">First try MathNet's own MKL provider (<c>Control.TryUseNativeMKL()</c>),
    /// which is there when the <c>MathNet.Numerics.Providers.MKL</c> package is referenced.</param>
    /// <param name="threads">Thread count for the native library; null keeps its default (all cores).</param>
    /// <returns>Which provider and library are active, with a message saying why.</returns>
    public static AccelerationResult Enable(bool preferOfficialMkl = false, int? threads = null) =>
        Enable(new AccelerationOptions { PreferOfficialMkl = preferOfficialMkl, Threads = threads });

    /// <summary>As <see cref="Enable(bool, int?)"/>, with every option (search list, forced choice).</summary>
    /// <param name="options">What to try and how.</param>
    /// <returns>Which provider and library are active, with a message saying why.</returns>
    public static AccelerationResult Enable(AccelerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threads is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Threads,
                "Acceleration.Enable: threads must be at least 1.");
        lock (Gate)
        {
            _last = EnableCore(options);
            return _last;
        }
    }

    /// <summary>Goes back to MathNet's managed provider.</summary>
    /// <returns>A managed result.</returns>
    public static AccelerationResult Disable()
    {
        lock (Gate)
        {
            _last = StayManaged([], "Acceleration.Disable() was called");
            return _last;
        }
    }

    /// <summary>
    /// One line on the provider MathNet is using now, e.g.
    /// "native: TransformerCourse CBLAS provider: OpenBLAS 0.3.21 … (/usr/lib/…/libopenblas.so.0), 2 threads".
    /// </summary>
    /// <returns>A description of the active provider.</returns>
    public static string Describe()
    {
        var provider = LinearAlgebraControl.Provider;
        return provider switch
        {
            CblasLinearAlgebraProvider cblas => $"native: {cblas}{ThreadsText(cblas.Library.Threads)}"
                + (cblas.Library.Advice is { } advice ? $". Note: {advice}" : ""),
            ManagedLinearAlgebraProvider => "managed: MathNet's managed provider"
                + (_last is { Kind: AccelerationKind.Managed } last ? $" ({last.Message})" : ""),
            _ => $"native: {provider}",
        };
    }

    /// <summary>Sets the thread count of the active native library (OpenBLAS, MKL).</summary>
    /// <param name="threads">At least 1.</param>
    /// <returns>False when the active provider is managed or its library has no thread control.</returns>
    public static bool TrySetThreads(int threads) =>
        LinearAlgebraControl.Provider is CblasLinearAlgebraProvider cblas && cblas.Library.TrySetThreads(threads);

    static AccelerationResult EnableCore(AccelerationOptions options)
    {
        var fromOptions = options.Override is not null;
        var choice = (options.Override ?? Environment.GetEnvironmentVariable(EnvironmentVariable))?.Trim() ?? "";
        var source = fromOptions ? $"the override '{choice}'" : $"{EnvironmentVariable}={choice}";
        var auto = choice.Length == 0 || choice.Equals("auto", StringComparison.OrdinalIgnoreCase);
        var tried = new List<string>();

        if (choice.Equals("managed", StringComparison.OrdinalIgnoreCase))
            return StayManaged(tried, $"{source} asks for it");

        if (auto && options.PreferOfficialMkl && TryOfficialMkl(tried) is { } official)
            return official;

        var all = options.Candidates ?? DefaultCandidates;
        IReadOnlyList<string> candidates = auto ? all
            : Families.Contains(choice, StringComparer.OrdinalIgnoreCase)
                ? all.Where(c => c.Contains(choice, StringComparison.OrdinalIgnoreCase)).ToList()
                : [choice];

        foreach (var candidate in candidates)
        {
            if (!CblasLibrary.TryLoad(candidate, out var library, out var whyNot))
            {
                tried.Add($"{candidate}: {whyNot}");
                continue;
            }
            var provider = new CblasLinearAlgebraProvider(library!);
            try
            {
                LinearAlgebraControl.Provider = provider; // runs provider.InitializeVerify()
            }
            catch (NotSupportedException e)
            {
                tried.Add($"{candidate}: {e.Message}");
                continue;
            }
            var threadNote = "";
            if (options.Threads is { } n && !library!.TrySetThreads(n))
                threadNote = $" ({library.Family} has no thread control; {n} threads not applied)";
            return new AccelerationResult(AccelerationKind.Cblas, library!.Family, library.Path, provider.ToString(),
                library.Threads, tried,
                $"Native linear algebra: {library.Version ?? library.Family} from {library.Path}"
                + $"{ThreadsText(library.Threads)}{threadNote}; "
                + "matrix products and BLAS-1 run natively, everything else in MathNet's managed code."
                + (library.Advice is { } advice ? $" Note: {advice}." : ""));
        }

        var what = auto ? "no CBLAS library found" : $"{source} could not be used";
        var triedText = tried.Count == 0 ? "no candidate to try" : $"tried {string.Join("; ", tried)}";
        return StayManaged(tried, $"{what} ({triedText}). "
            + "Install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread) or MKL and call " +
                "Acceleration.Enable() again");
    }

    static AccelerationResult? TryOfficialMkl(List<string> tried)
    {
        bool ok;
        try
        {
            ok = Control.TryUseNativeMKL();
        }
        catch (Exception e)
            when (e is TypeLoadException or IOException or DllNotFoundException or BadImageFormatException)
        {
            ok = false;
        }
        if (!ok)
        {
            tried.Add("MathNet.Numerics.Providers.MKL: not available (package not referenced or its native library " +
                "not found)");
            return null;
        }
        var name = LinearAlgebraControl.Provider.ToString() ?? "MathNet MKL provider";
        return new AccelerationResult(AccelerationKind.OfficialMkl, "MathNet MKL provider", null, name, null, tried,
            $"Native linear algebra: MathNet's official MKL provider ({name}).");
    }

    static AccelerationResult StayManaged(IReadOnlyList<string> tried, string why)
    {
        LinearAlgebraControl.UseManaged();
        return new AccelerationResult(AccelerationKind.Managed, "none", null,
            LinearAlgebraControl.Provider.ToString() ?? "Managed",
            null, tried, $"Managed linear algebra (MathNet's C# provider): {why}.");
    }

    static string ThreadsText(int? threads) => threads is { } t ? $", {t} thread{(t == 1 ? "" : "s")}" : "";

    static string[] CandidatesForThisOs()
    {
        if (OperatingSystem.IsWindows())
            return ["mkl_rt.2.dll", "mkl_rt.dll", "libopenblas.dll", "openblas.dll"];
        if (OperatingSystem.IsMacOS())
            return ["libmkl_rt.dylib", "libmkl_rt.2.dylib", "libopenblas.dylib", "libopenblas.0.dylib",
                "/opt/homebrew/opt/openblas/lib/libopenblas.dylib", "/usr/local/opt/openblas/lib/libopenblas.dylib",
                "/System/Library/Frameworks/Accelerate.framework/Accelerate"];
        return ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1",
            "libopenblas.so.0", "libopenblas.so",
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0"];
    }
}
