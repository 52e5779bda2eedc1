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
/// <see cref="Enable(bool, int?)"/> looks for each CBLAS library it knows: Intel MKL (<c>libmkl_rt</c>, set up
/// safely first: see <see cref="MklSetup"/>), OpenBLAS, Apple Accelerate. Of those that load, export the CBLAS
/// functions and compute a known product correctly, it times a short dgemm in each (reported, not chosen by) and
/// makes one MathNet's provider (<see cref="LinearAlgebraControl.Provider"/>) as a
/// <see cref="CblasLinearAlgebraProvider"/>: MKL on Intel CPUs, OpenBLAS on others, where MKL takes a generic path
/// (see <see cref="Choose"/>). When none is found, MathNet stays on its
/// managed provider and the result says so; nothing fails.
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
    static string? _choice;

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
                + (_last is { Kind: AccelerationKind.Cblas } last && last.Path == cblas.LibraryPath
                    ? $"; {_choice}" + NotUsed(last.Tried) : "")
                + (cblas.Library.Advice is { } advice ? $". Note: {advice}" : ""),
            ManagedLinearAlgebraProvider => "managed: MathNet's managed provider"
                + (_last is { Kind: AccelerationKind.Managed } managed ? $" ({managed.Message})" : ""),
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
        var usable = LoadUsable(CandidatesFor(choice, all), options.Threads, tried);
        if (usable.Count > 0)
            return Install(usable, options.Threads, tried);

        var what = auto ? "no CBLAS library found" : $"{source} could not be used";
        var triedText = tried.Count == 0 ? "no candidate to try" : $"tried {string.Join("; ", tried)}";
        return StayManaged(tried, $"{what} ({triedText}). "
            + "Install OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread) or MKL and call " +
                "Acceleration.Enable() again");
    }

    /// <summary>The candidates a choice allows: all for auto, a family's (by name), or the path itself.</summary>
    internal static IReadOnlyList<string> CandidatesFor(string choice, IReadOnlyList<string> all)
    {
        if (choice.Length == 0 || choice.Equals("auto", StringComparison.OrdinalIgnoreCase)) return all;
        return Families.Contains(choice, StringComparer.OrdinalIgnoreCase)
            ? all.Where(c => c.Contains(choice, StringComparison.OrdinalIgnoreCase)).ToList()
            : [choice];
    }

    /// <summary>
    /// Loads each candidate whose family has not loaded yet, checks it on a known product, sets its thread count and
    /// times it (<see cref="CblasLibrary.MeasureGflops"/>); the ones that load and answer correctly are returned (at
    /// most one per family), the others are added to <paramref name="tried"/>.
    /// </summary>
    static List<CblasLibrary> LoadUsable(IReadOnlyList<string> candidates, int? threads, List<string> tried)
    {
        var usable = new List<CblasLibrary>();
        foreach (var candidate in candidates)
        {
            if (usable.Any(u => candidate.Contains(u.Family, StringComparison.OrdinalIgnoreCase))) continue;
            if (!CblasLibrary.TryLoad(candidate, out var library, out var whyNot))
            {
                tried.Add($"{candidate}: {whyNot}");
                continue;
            }
            try
            {
                new CblasLinearAlgebraProvider(library!).InitializeVerify();
                usable.Add(library!);
                // Timed now, before the next library loads: OpenBLAS's threads spin for a while after it loads
                // and after each product, and an OpenMP library timed meanwhile would crawl.
                if (threads is { } n) library!.TrySetThreads(n);
                library!.MeasureGflops();
            }
            catch (NotSupportedException e)
            {
                tried.Add($"{candidate}: {e.Message}");
            }
        }
        return usable;
    }

    /// <summary>
    /// Installs the library <see cref="Choose"/> picks as MathNet's provider; the message gives every usable
    /// library's measured GFLOP/s beside the choice.
    /// </summary>
    static AccelerationResult Install(List<CblasLibrary> usable, int? threads, List<string> tried)
    {
        var vendor = CpuVendor();
        var chosen = usable[Choose(usable.Select(l => l.Family).ToList(), vendor)];
        var threadNote = threads is { } t && !chosen.CanSetThreads
            ? $" ({chosen.Family} has no thread control; {t} threads not applied)" : "";
        var provider = new CblasLinearAlgebraProvider(chosen);
        LinearAlgebraControl.Provider = provider; // runs provider.InitializeVerify()
        var others = usable.Where(l => l != chosen).ToList();
        _choice = $"{Gflops(chosen)}" + (others.Count == 0 ? "" : $", chosen over "
            + string.Join(", ", others.Select(o => $"{o.Version ?? o.Family} ({Gflops(o)})"))
            + $" because this CPU is {vendor}: MKL on Intel CPUs, OpenBLAS on others; "
            + $"{EnvironmentVariable}=mkl|openblas forces one");
        return new AccelerationResult(AccelerationKind.Cblas, chosen.Family, chosen.Path, provider.ToString(),
            chosen.Threads, tried,
            $"Native linear algebra: {chosen.Version ?? chosen.Family} from {chosen.Path}"
            + $"{ThreadsText(chosen.Threads)}{threadNote}; {_choice}; "
            + "matrix products and BLAS-1 run natively, everything else in MathNet's managed code."
            + (chosen.Advice is { } advice ? $" Note: {advice}." : ""));
    }

    /// <summary>
    /// Which usable library to install, by a fixed rule rather than by the measured GFLOP/s: MKL on an Intel CPU,
    /// OpenBLAS on any other (MKL takes a generic, slower path on AMD: issue 22 measured ~20 GFLOP/s against
    /// OpenBLAS's ~51 on one core), else the first usable one. A probe of a few milliseconds on a shared machine is
    /// too noisy to choose by (two processes on one machine measured opposite winners), and the library decides the
    /// last bits of every product: a fixed rule keeps a notebook's numbers the same from run to run.
    /// </summary>
    /// <param name="families">Each usable library's family, in the order tried ("MKL", "OpenBLAS", …).</param>
    /// <param name="cpuVendor">The CPU's vendor string, e.g. "GenuineIntel" or "AuthenticAMD".</param>
    /// <returns>The index of the library to use.</returns>
    internal static int Choose(IReadOnlyList<string> families, string cpuVendor)
    {
        int mkl = IndexOf("MKL"), openBlas = IndexOf("OpenBLAS");
        if (mkl >= 0 && openBlas >= 0) return cpuVendor == "GenuineIntel" ? mkl : openBlas;
        return 0;

        int IndexOf(string family) =>
            Enumerable.Range(0, families.Count).FirstOrDefault(i => families[i] == family, -1);
    }

    /// <summary>The CPU's vendor string from CPUID leaf 0 ("GenuineIntel", "AuthenticAMD"), or "not x86".</summary>
    static string CpuVendor()
    {
        if (!System.Runtime.Intrinsics.X86.X86Base.IsSupported) return "not x86";
        var (_, ebx, ecx, edx) = System.Runtime.Intrinsics.X86.X86Base.CpuId(0, 0);
        var bytes = new[] { ebx, edx, ecx }.SelectMany(BitConverter.GetBytes).ToArray();
        return System.Text.Encoding.ASCII.GetString(bytes);
    }

    /// <summary>"; not used: …" for the candidates that were found but could not be used.</summary>
    static string NotUsed(IReadOnlyList<string> tried)
    {
        var found = tried.Where(t => !t.EndsWith(": not found", StringComparison.Ordinal)).ToList();
        return found.Count == 0 ? "" : $"; not used: {string.Join("; ", found)}";
    }

    static string Gflops(CblasLibrary library) =>
        $"{library.Gflops?.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)} GFLOP/s on a "
        + $"{CblasLibrary.ProbeOrder}³ dgemm";

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
