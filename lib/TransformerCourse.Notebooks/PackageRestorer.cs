using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks;

/// <summary>The outcome of restoring a set of packages.</summary>
/// <param name="Succeeded">True when every package restored.</param>
/// <param name="AssemblyPaths">Runtime assemblies of the packages and their dependencies (when it succeeded).</param>
/// <param name="MissingPackages">Names of the packages that could not be restored (when it failed).</param>
/// <param name="Log">What <c>dotnet restore</c> printed (when it ran).</param>
public sealed record RestoreResult(bool Succeeded, IReadOnlyList<string> AssemblyPaths, IReadOnlyList<string> MissingPackages, string Log);

/// <summary>
/// Restores <c>#r "nuget:"</c> packages the way the kernel does: all packages a notebook has asked for so far go
/// into one temporary project, restored with <c>dotnet restore</c> against the machine's NuGet sources (plus any
/// <c>#i</c> sources); the runtime assemblies of the packages and their dependencies are read from
/// <c>obj/project.assets.json</c>. A package set is restored once per process, and a successful restore is kept
/// on disk under <see cref="CacheRoot"/> so later runs do not call <c>dotnet</c> at all.
/// </summary>
public sealed partial class PackageRestorer
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RestoreResult>>> inProcess = new();

    /// <summary>Creates a restorer that keeps its projects under <paramref name="cacheRoot"/>.</summary>
    public PackageRestorer(string cacheRoot) => CacheRoot = cacheRoot;

    /// <summary>
    /// The process-wide restorer. Its cache is <c>$COURSE_CACHE</c>, else <c>$XDG_CACHE_HOME/transformercourse</c>,
    /// else <c>~/.cache/transformercourse</c>, with a <c>restore</c> folder inside.
    /// </summary>
    public static PackageRestorer Shared { get; } = new(Path.Combine(DefaultCacheHome(), "restore"));

    /// <summary>Where the temporary restore projects live, one folder per package set.</summary>
    public string CacheRoot { get; }

    private static string DefaultCacheHome() =>
        Environment.GetEnvironmentVariable("COURSE_CACHE") is { Length: > 0 } course ? course
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "transformercourse")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "transformercourse");

    /// <summary>Restores <paramref name="packages"/> together (with extra <paramref name="sources"/>).</summary>
    public Task<RestoreResult> RestoreAsync(IReadOnlyCollection<PackageRef> packages, IReadOnlyCollection<string> sources, CancellationToken cancel = default)
    {
        var tfm = $"net{Environment.Version.Major}.0";
        var key = string.Join("\n", packages.Select(p => $"{p.Name.ToLowerInvariant()}/{p.Version}").Order(StringComparer.Ordinal))
                  + "\n--\n" + string.Join("\n", sources.Order(StringComparer.Ordinal)) + "\n" + tfm;
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var lazy = inProcess.GetOrAdd(hash, _ => new Lazy<Task<RestoreResult>>(() => RestoreCoreAsync(hash, tfm, packages, sources, cancel)));
        return lazy.Value;
    }

    private async Task<RestoreResult> RestoreCoreAsync(string hash, string tfm, IReadOnlyCollection<PackageRef> packages, IReadOnlyCollection<string> sources, CancellationToken cancel)
    {
        var dir = Path.Combine(CacheRoot, hash);
        var resolvedFile = Path.Combine(dir, "resolved.txt");
        Directory.CreateDirectory(dir);
        using var fileLock = await AcquireLockAsync(Path.Combine(dir, ".lock"), cancel);
        if (File.Exists(resolvedFile))
        {
            var cached = File.ReadAllLines(resolvedFile).Where(l => l.Length > 0).ToList();
            if (cached.All(File.Exists)) return new RestoreResult(true, cached, [], "");
        }

        WriteFenceFiles(CacheRoot);
        var project = Path.Combine(dir, "restore.csproj");
        await File.WriteAllTextAsync(project, ProjectXml(tfm, packages, sources), cancel);
        var (exitCode, log) = await RunDotnetRestoreAsync(project, cancel);
        var assets = Path.Combine(dir, "obj", "project.assets.json");
        if (exitCode != 0 || !File.Exists(assets))
        {
            var named = MissingPackage().Matches(log).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var missing = packages.Where(p => named.Contains(p.Name)).Select(p => p.Name).ToList();
            if (missing.Count == 0) missing = packages.Select(p => p.Name).ToList();
            return new RestoreResult(false, [], missing, log);
        }

        var paths = RuntimeAssemblies(assets, tfm);
        await File.WriteAllLinesAsync(resolvedFile, paths, cancel);
        return new RestoreResult(true, paths, [], log);
    }

    /// <summary>Reads the runtime assemblies for <paramref name="tfm"/> from a project.assets.json, leaving out any the shared framework already has.</summary>
    public static IReadOnlyList<string> RuntimeAssemblies(string assetsPath, string tfm)
    {
        var assets = JsonNode.Parse(File.ReadAllText(assetsPath))!;
        var folders = (assets["packageFolders"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
        var libraries = assets["libraries"] as JsonObject;
        var target = (assets["targets"] as JsonObject)?.FirstOrDefault(kv => kv.Key == tfm || kv.Key.StartsWith(tfm + "/", StringComparison.Ordinal)).Value as JsonObject;
        var framework = Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var result = new List<string>();
        if (target is null) return result;
        foreach (var (id, entry) in target)
        {
            if ((string?)entry?["type"] != "package" || entry["runtime"] is not JsonObject runtime) continue;
            var libPath = (string?)libraries?[id]?["path"] ?? id.ToLowerInvariant();
            foreach (var (file, _) in runtime)
            {
                if (file.EndsWith("_._", StringComparison.Ordinal) || framework.Contains(Path.GetFileName(file))) continue;
                var full = folders.Select(f => Path.Combine(f, libPath, file)).FirstOrDefault(File.Exists);
                if (full is not null) result.Add(Path.GetFullPath(full));
            }
        }
        return result;
    }

    private static string ProjectXml(string tfm, IEnumerable<PackageRef> packages, IReadOnlyCollection<string> sources)
    {
        static string Esc(string s) => System.Security.SecurityElement.Escape(s);
        var refs = string.Join("\n", packages.Select(p =>
            $"    <PackageReference Include=\"{Esc(p.Name)}\" Version=\"{Esc(p.Version is "" or "*-*" ? "*" : p.Version)}\" />"));
        var extra = sources.Count == 0 ? "" : $"\n    <RestoreAdditionalProjectSources>{Esc(string.Join(";", sources))}</RestoreAdditionalProjectSources>";
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <!-- Written by the TransformerCourse notebook runner to restore #r "nuget:" packages. -->
              <PropertyGroup>
                <TargetFramework>{tfm}</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <NuGetAudit>false</NuGetAudit>{extra}
              </PropertyGroup>
              <ItemGroup>
            {refs}
              </ItemGroup>
            </Project>
            """;
    }

    // Empty Directory.Build.* and Directory.Packages.props stop MSBuild from importing files from folders above the cache.
    private static void WriteFenceFiles(string root)
    {
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            var path = Path.Combine(root, name);
            try
            {
                if (!File.Exists(path)) File.WriteAllText(path, "<Project />\n");
            }
            catch (IOException)
            {
                // Another process is writing the same file.
            }
        }
    }

    private static async Task<(int ExitCode, string Log)> RunDotnetRestoreAsync(string project, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (var arg in new[] { "restore", project, "--nologo", "--disable-build-servers", "-v", "q", "-p:NuGetInteractive=false" })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDNOINPROCNODE"] = null;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync(cancel);
        var stderr = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static async Task<FileStream> AcquireLockAsync(string path, CancellationToken cancel)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, cancel);
            }
        }
    }

    // NU1101: Unable to find package X. NU1102: Unable to find package X with version … NU1103: … stable version …
    [GeneratedRegex(@"NU110[123]: Unable to find package '?([A-Za-z0-9_.\-]+)'?")]
    private static partial Regex MissingPackage();
}
