using System.Reflection;
using System.Runtime.Loader;

namespace TransformerCourse.Display;

/// <summary>
/// Lets Plotly.NET run where another FSharp.Core is already loaded. Plotly.NET 6 is built against FSharp.Core 10.1,
/// while the Polyglot kernel (dotnet-interactive 1.0.712001) ships and loads FSharp.Core 10.0, and Giraffe.ViewEngine
/// asks for FSharp.Core 5.0: in one process only one FSharp.Core can be loaded, so every request for it, whatever the
/// version, is answered with the one that is loaded (or, when none is, the newest one found in the NuGet cache).
/// </summary>
internal static class FSharpCoreRedirect
{
    private static int installed;

    /// <summary>Installs the redirect once per process; later calls do nothing.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (_, name) => Resolve(name);
    }

    internal static Assembly? Resolve(AssemblyName name)
    {
        if (!string.Equals(name.Name, "FSharp.Core", StringComparison.OrdinalIgnoreCase)) return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => string.Equals(a.GetName().Name, "FSharp.Core", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
        if (loaded is not null) return loaded;
        var file = FindInNuGetCache();
        return file is null ? null : AssemblyLoadContext.Default.LoadFromAssemblyPath(file);
    }

    private static string? FindInNuGetCache()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ??
                   Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var package = Path.Combine(root, "fsharp.core");
        if (!Directory.Exists(package)) return null;
        return Directory.GetDirectories(package)
            .Select(d => (Version: Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null, Dir: d))
            .Where(x => x.Version is not null)
            .OrderByDescending(x => x.Version)
            .Select(x => Path.Combine(x.Dir, "lib", "netstandard2.1", "FSharp.Core.dll"))
            .FirstOrDefault(File.Exists);
    }
}
