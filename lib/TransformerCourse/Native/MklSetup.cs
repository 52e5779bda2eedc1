using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace TransformerCourse.Native;

/// <summary>
/// Makes Intel MKL (<c>libmkl_rt</c>) safe to call before its first computation: picks its threading layer itself
/// (GNU OpenMP when <c>libgomp.so.1</c> loads, else sequential) and its 32-bit-integer interface, after a child process
/// has shown that the same set-up computes a product and exits normally.
/// </summary>
/// <remarks>
/// <para>
/// Left to itself, <c>libmkl_rt</c> loads its Intel OpenMP layer (or the one <c>MKL_THREADING_LAYER</c> names) on the
/// first call that needs threads. Without the matching OpenMP runtime the dynamic loader ends the whole process
/// ("symbol lookup error: libmkl_intel_thread.so: undefined symbol: omp_get_num_procs"), and a missing kernel library
/// ends it through MKL's "FATAL ERROR": nothing a .NET exception handler can catch. So:
/// </para>
/// <list type="number">
/// <item>the OpenMP runtime is loaded first, globally (<c>dlopen("libgomp.so.1", RTLD_NOW | RTLD_GLOBAL)</c>), so
/// that MKL's GNU layer finds its symbols; when it does not load, the layer is sequential;</item>
/// <item>a child process (<c>python3</c> with ctypes) repeats the same steps and a small dgemm; if it dies or answers
/// wrongly, MKL is not used, and the reason says what the child printed;</item>
/// <item>in this process, <c>MKL_Set_Interface_Layer(LP64)</c> and <c>MKL_Set_Threading_Layer(layer)</c> run before
/// any other MKL function; they take precedence over <c>MKL_INTERFACE_LAYER</c> and <c>MKL_THREADING_LAYER</c>;</item>
/// <item>then <c>MKL_CBWR_Set</c> turns on reproducible results (see <see cref="ReproducibleMode"/>).</item>
/// </list>
/// <para>
/// The environment variable <c>TRANSFORMERCOURSE_OPENMP</c> names another OpenMP runtime to load, or <c>none</c>
/// for the sequential layer.
/// </para>
/// </remarks>
internal static unsafe class MklSetup
{
    /// <summary>The environment variable that names the OpenMP runtime to load, or <c>none</c>.</summary>
    public const string OpenMpVariable = "TRANSFORMERCOURSE_OPENMP";

    // mkl_service.h: MKL_INTERFACE_LP64 = 0; MKL_THREADING_INTEL = 0, SEQUENTIAL = 1, PGI = 2, GNU = 3, TBB = 4.
    internal const int Lp64 = 0, Sequential = 1, Gnu = 3;

    static readonly Dictionary<string, (bool Ok, string Note)> Probed = [];
    static readonly object Gate = new();

    /// <summary>A threading layer's name as MKL's documentation spells it.</summary>
    internal static string LayerName(int layer) => layer switch
    {
        0 => "Intel OpenMP",
        Sequential => "sequential",
        2 => "PGI OpenMP",
        Gnu => "GNU OpenMP",
        4 => "TBB",
        _ => $"layer {layer}",
    };

    /// <summary>
    /// Sets up the MKL loaded as <paramref name="handle"/> from <paramref name="path"/>; false, with the reason,
    /// when it cannot be used safely (nothing has been computed in it then).
    /// </summary>
    /// <param name="handle">The loaded <c>libmkl_rt</c>.</param>
    /// <param name="path">Its file, for the child process.</param>
    /// <param name="layer">The threading layer now in force, e.g. "GNU OpenMP".</param>
    /// <param name="whyNot">Why it is not usable.</param>
    public static bool TryPrepare(IntPtr handle, string path, out string layer, out string whyNot)
    {
        layer = "";
        whyNot = "";
        var setInterface = Export(handle, "MKL_Set_Interface_Layer");
        var setThreading = Export(handle, "MKL_Set_Threading_Layer");
        if (setInterface == IntPtr.Zero || setThreading == IntPtr.Zero)
        {
            whyNot = "an MKL without MKL_Set_Threading_Layer (older than 10.3), whose threading layer cannot be chosen";
            return false;
        }
        var openMp = OpenMpLibrary();
        if (openMp is not null && !TryLoadGlobal(openMp)) openMp = null;
        var wanted = openMp is null ? Sequential : Gnu;
        var (ok, note) = Probe(path, wanted, openMp);
        if (!ok)
        {
            whyNot = note;
            return false;
        }
        var gotInterface = ((delegate* unmanaged<int, int>)setInterface)(Lp64);
        var got = ((delegate* unmanaged<int, int>)setThreading)(wanted);
        if (gotInterface != Lp64 || got != wanted)
        {
            whyNot = $"MKL was already set up in this process with the {LayerName(got)} threading layer "
                + $"(interface {gotInterface}); asked for {LayerName(wanted)}";
            return false;
        }
        layer = LayerName(wanted) + ReproducibleMode(handle);
        return true;
    }

    /// <summary>
    /// Turns on MKL's conditional numerical reproducibility (CNR), strict where it exists (MKL 2019.3 and later):
    /// without it MKL's dgemm rounds differently depending on where the arrays happen to lie in memory, so the same
    /// product computed twice may differ in the last bit, and a resumed training run is not bit-identical to an
    /// uninterrupted one. Must run before MKL's first computation.
    /// </summary>
    /// <returns>", reproducible (CNR strict)", ", reproducible (CNR)", or a note that it could not be set.</returns>
    static string ReproducibleMode(IntPtr handle)
    {
        var set = Export(handle, "MKL_CBWR_Set");
        if (set == IntPtr.Zero) return ", not bit-reproducible (no MKL_CBWR_Set)";
        var cbwr = (delegate* unmanaged<int, int>)set;
        if (cbwr(CbwrAuto | CbwrStrict) == CbwrSuccess) return ", reproducible (CNR strict)";
        return cbwr(CbwrAuto) == CbwrSuccess ? ", reproducible (CNR)" : ", not bit-reproducible (MKL_CBWR_Set failed)";
    }

    // mkl_cbwr.h: MKL_CBWR_AUTO = 2, MKL_CBWR_STRICT = 0x10000, MKL_CBWR_SUCCESS = 0.
    internal const int CbwrAuto = 2, CbwrStrict = 0x10000, CbwrSuccess = 0;

    /// <summary>The OpenMP runtime to load: <c>TRANSFORMERCOURSE_OPENMP</c>, else <c>libgomp.so.1</c> on Linux;
    /// null for none.</summary>
    internal static string? OpenMpLibrary()
    {
        var chosen = Environment.GetEnvironmentVariable(OpenMpVariable)?.Trim();
        if (string.IsNullOrEmpty(chosen))
            return OperatingSystem.IsLinux() ? "libgomp.so.1" : null;
        return chosen.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : chosen;
    }

    /// <summary>
    /// Runs MKL's set-up and a 2×3·3×2 dgemm in a child <c>python3</c>; cached per library, layer and runtime.
    /// Without python3 it checks instead that MKL's core and layer libraries are beside <c>libmkl_rt</c>.
    /// </summary>
    internal static (bool Ok, string Note) Probe(string path, int layer, string? openMp)
    {
        var key = $"{path}|{layer}|{openMp}";
        lock (Gate)
        {
            if (!Probed.TryGetValue(key, out var result))
                Probed[key] = result = FindPython() is { } python ? RunChild(python, path, layer, openMp)
                    : FilesBeside(path, layer);
            return result;
        }
    }

    // The child: the same steps as this process, then A·B with A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12].
    const string ChildScript = """
        import ctypes, sys
        path, layer, openmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        if openmp:
            ctypes.CDLL(openmp, mode=ctypes.RTLD_GLOBAL)
        mkl = ctypes.CDLL(path)
        mkl.MKL_Set_Interface_Layer(0)
        mkl.MKL_Set_Threading_Layer(layer)
        mkl.MKL_CBWR_Set(0x10002) or mkl.MKL_CBWR_Set(2)
        D = ctypes.c_double
        a, b, c = (D * 6)(1, 4, 2, 5, 3, 6), (D * 6)(7, 9, 11, 8, 10, 12), (D * 4)()
        mkl.cblas_dgemm.argtypes = [ctypes.c_int] * 6 + [D, ctypes.c_void_p, ctypes.c_int,
            ctypes.c_void_p, ctypes.c_int, D, ctypes.c_void_p, ctypes.c_int]
        mkl.cblas_dgemm(102, 111, 111, 2, 2, 3, 1.0, a, 2, b, 3, 0.0, c, 2)
        print("product", *[int(v) for v in c], "threads", mkl.MKL_Get_Max_Threads())
        """;

    static (bool Ok, string Note) RunChild(string python, string path, int layer, string? openMp)
    {
        var info = new ProcessStartInfo(python)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-c", ChildScript, path, layer.ToString(CultureInfo.InvariantCulture),
                     openMp ?? "" })
            info.ArgumentList.Add(arg);
        var what = $"a child process ({python}) running MKL's {LayerName(layer)} layer";
        try
        {
            using var child = Process.Start(info)!;
            var stdout = child.StandardOutput.ReadToEndAsync();
            var stderr = child.StandardError.ReadToEndAsync();
            if (!child.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                child.Kill(entireProcessTree: true);
                return (false, $"{what} did not finish in 60 s");
            }
            var output = stdout.Result.Trim();
            if (child.ExitCode == 0 && output.StartsWith("product 58 139 64 154 ", StringComparison.Ordinal))
                return (true, $"{what} computed a product correctly");
            var error = string.Join(" ", (stderr.Result + " " + output).Split('\n',
                StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return (false, $"{what} failed (exit code {child.ExitCode}: {Shorten(error)})");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return FilesBeside(path, layer);
        }
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    static (bool Ok, string Note) FilesBeside(string path, int layer)
    {
        var folder = System.IO.Path.GetDirectoryName(path) ?? "";
        var layerFile = layer == Gnu ? "libmkl_gnu_thread.so" : "libmkl_sequential.so";
        var missing = new[] { "libmkl_core.so", layerFile }
            .Where(f => !File.Exists(System.IO.Path.Combine(folder, f))).ToList();
        return missing.Count == 0
            ? (true, $"no python3 to probe it in a child process; {layerFile} and libmkl_core.so are beside it")
            : (false, $"no python3 to probe it in a child process, and {string.Join(", ", missing)} not beside it");
    }

    static string? FindPython()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator,
            StringSplitOptions.RemoveEmptyEntries);
        return paths.Select(p => System.IO.Path.Combine(p, "python3")).FirstOrDefault(File.Exists);
    }

    const int RtldNow = 2, RtldGlobal = 0x100;

    /// <summary>dlopen(name, RTLD_NOW | RTLD_GLOBAL): its symbols become visible to libraries loaded later.</summary>
    static bool TryLoadGlobal(string name)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return dlopen(name, RtldNow | RtldGlobal) != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "dlopen", CharSet = CharSet.Ansi)]
    static extern IntPtr dlopen(string name, int flags);

    static IntPtr Export(IntPtr handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address) ? address : IntPtr.Zero;
}
