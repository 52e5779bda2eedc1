using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TransformerCourse.Runner;

/// <summary>Why a restore failed, read from the NuGet error codes <c>dotnet restore</c> printed.</summary>
public enum RestoreFailure
{
    /// <summary>It did not fail.</summary>
    None,
    /// <summary>NU1101: no source has a package of that name (a typo, or a package the sources do not carry).</summary>
    PackageNotFound,
    /// <summary>NU1102/NU1103: the package exists, but not in the version asked for.</summary>
    VersionNotFound,
    /// <summary>NU1301: a package source could not be reached (offline, or a wrong source address).</summary>
    SourceUnreachable,
    /// <summary>Anything else; <see cref="RestoreResult.Problem"/> quotes the first error.</summary>
    Other,
}

/// <summary>The outcome of restoring a set of packages.</summary>
/// <param name="Succeeded">True when every package restored.</param>
/// <param name="AssemblyPaths">Runtime assemblies of the packages and their dependencies (when it succeeded).</param>
/// <param name="MissingPackages">Names of the packages that could not be restored (when it failed).</param>
/// <param name="Log">What <c>dotnet restore</c> printed (when it ran).</param>
public sealed record RestoreResult(
    bool Succeeded, IReadOnlyList<string> AssemblyPaths, IReadOnlyList<string> MissingPackages, string Log)
{
    /// <summary>Why it failed (<see cref="RestoreFailure.None"/> when it succeeded).</summary>
    public RestoreFailure Failure { get; init; }

    /// <summary>The packages' native libraries for this machine (runtimes/{rid}/native/…), e.g. libonnxruntime.so;
    /// the kernel finds them through the package's deps, the runner through <see cref="NativeLibraries"/>.</summary>
    public IReadOnlyList<string> NativeLibraryPaths { get; init; } = [];

    /// <summary>
    /// Why it failed, in one sentence for people: <c>no source has package X (check the name and version)</c>,
    /// <c>the package source(s) could not be reached (offline?): …</c>, …; empty when it succeeded.
    /// </summary>
    public string Problem { get; init; } = "";
}

/// <summary>
/// Restores <c>#r "nuget:"</c> packages the way the kernel does: all packages a notebook has asked for so far go
/// into one temporary project, restored with <c>dotnet restore</c> against the machine's NuGet sources (plus any
/// <c>#i</c> sources); the runtime assemblies of the packages and their dependencies are read from
/// <c>obj/project.assets.json</c>. A package set is restored once per process, and a successful restore is kept
/// on disk under <see cref="CacheRoot"/> so later runs do not call <c>dotnet</c> at all. With a
/// <see cref="ConfigFile"/>, restores use that nuget.config instead of the machine's
/// (<c>dotnet restore --configfile</c>), e.g. a classroom mirror, or an empty feed in tests.
/// </summary>
public sealed partial class PackageRestorer
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RestoreResult>>> inProcess = new();

    /// <summary>Creates a restorer that keeps its projects under <paramref name="cacheRoot"/>.</summary>
    /// <param name="cacheRoot">Where the temporary restore projects live.</param>
    /// <param name="configFile">A nuget.config to restore with instead of the machine's, or null.</param>
    public PackageRestorer(string cacheRoot, string? configFile = null)
    {
        CacheRoot = cacheRoot;
        ConfigFile = configFile is null ? null : Path.GetFullPath(configFile);
        if (ConfigFile is not null && !File.Exists(ConfigFile))
            throw new FileNotFoundException($"no such nuget.config: {configFile}");
    }

    /// <summary>
    /// A restorer with the shared cache (see <see cref="Shared"/>) that restores with <paramref name="configFile"/>.
    /// </summary>
    public static PackageRestorer WithConfig(string? configFile) =>
        configFile is null ? Shared : new PackageRestorer(Shared.CacheRoot, configFile);

    /// <summary>
    /// The process-wide restorer. Its cache is <c>$COURSE_CACHE</c>, else <c>$XDG_CACHE_HOME/transformercourse</c>,
    /// else <c>~/.cache/transformercourse</c>, with a <c>restore</c> folder inside.
    /// </summary>
    public static PackageRestorer Shared { get; } = new(Path.Combine(DefaultCacheHome(), "restore"));

    /// <summary>Where the temporary restore projects live, one folder per package set.</summary>
    public string CacheRoot { get; }

    /// <summary>The nuget.config restores use (full path), or null for the machine's NuGet configuration.</summary>
    public string? ConfigFile { get; }

    private static string DefaultCacheHome() =>
        Environment.GetEnvironmentVariable("COURSE_CACHE") is { Length: > 0 } course ? course
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg,
            "transformercourse")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "transformercourse");

    /// <summary>Restores <paramref name="packages"/> together (with extra <paramref name="sources"/>).</summary>
    public Task<RestoreResult> RestoreAsync(
        IReadOnlyCollection<PackageRef> packages, IReadOnlyCollection<string> sources,
        CancellationToken cancel = default)
    {
        var tfm = $"net{Environment.Version.Major}.0";
        var config = ConfigFile is null ? "" : $"{ConfigFile}\n{File.ReadAllText(ConfigFile)}";
        var key = string.Join("\n",
                      packages.Select(p => $"{p.Name.ToLowerInvariant()}/{p.Version}").Order(StringComparer.Ordinal))
                  + "\n--\n" + string.Join("\n", sources.Order(StringComparer.Ordinal)) + "\n" + tfm
                  + (config.Length == 0 ? "" : "\n--config\n" + config);
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var lazy = inProcess.GetOrAdd(hash,
            _ => new Lazy<Task<RestoreResult>>(() => RestoreCoreAsync(hash, tfm, packages, sources, cancel)));
        return lazy.Value;
    }

    private async Task<RestoreResult> RestoreCoreAsync(
        string hash, string tfm, IReadOnlyCollection<PackageRef> packages, IReadOnlyCollection<string> sources,
        CancellationToken cancel)
    {
        var dir = Path.Combine(CacheRoot, hash);
        var resolvedFile = Path.Combine(dir, "resolved.txt");
        Directory.CreateDirectory(dir);
        using var fileLock = await AcquireLockAsync(Path.Combine(dir, ".lock"), cancel);
        if (File.Exists(resolvedFile))
        {
            var cached = File.ReadAllLines(resolvedFile).Where(l => l.Length > 0).ToList();
            if (cached.All(File.Exists))
            {
                var cachedAssets = Path.Combine(dir, "obj", "project.assets.json");
                return new RestoreResult(true, cached, [], "") { NativeLibraryPaths = NativeAssets(cachedAssets, tfm) };
            }
        }

        WriteFenceFiles(CacheRoot);
        var project = Path.Combine(dir, "restore.csproj");
        await File.WriteAllTextAsync(project, ProjectXml(tfm, packages, sources), cancel);
        var (exitCode, log) = await RunDotnetRestoreAsync(project, ConfigFile, cancel);
        var assets = Path.Combine(dir, "obj", "project.assets.json");
        if (exitCode != 0 || !File.Exists(assets))
        {
            var (failure, missing, problem) = Diagnose(log, packages);
            return new RestoreResult(false, [], missing, log) { Failure = failure, Problem = problem };
        }

        var paths = RuntimeAssemblies(assets, tfm);
        await File.WriteAllLinesAsync(resolvedFile, paths, cancel);
        return new RestoreResult(true, paths, [], log) { NativeLibraryPaths = NativeAssets(assets, tfm) };
    }

    /// <summary>Reads the runtime assemblies for <paramref name="tfm"/> from a project.assets.json, leaving out any the
    /// shared framework already has.</summary>
    public static IReadOnlyList<string> RuntimeAssemblies(string assetsPath, string tfm)
    {
        var assets = JsonNode.Parse(File.ReadAllText(assetsPath))!;
        var folders = (assets["packageFolders"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
        var libraries = assets["libraries"] as JsonObject;
        var target = (assets["targets"] as JsonObject)?.FirstOrDefault(kv => kv.Key == tfm
            || kv.Key.StartsWith(tfm + "/", StringComparison.Ordinal)).Value as JsonObject;
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
                if (file.EndsWith("_._", StringComparison.Ordinal)
                    || framework.Contains(Path.GetFileName(file))) continue;
                var full = folders.Select(f => Path.Combine(f, libPath, file)).FirstOrDefault(File.Exists);
                if (full is not null) result.Add(Path.GetFullPath(full));
            }
        }
        return result;
    }

    /// <summary>
    /// The native libraries for this machine's runtime identifier (linux-x64, osx-arm64, win-x64, …) listed under
    /// <c>runtimeTargets</c> in a project.assets.json; none when the file is missing.
    /// </summary>
    public static IReadOnlyList<string> NativeAssets(string assetsPath, string tfm)
    {
        if (!File.Exists(assetsPath)) return [];
        var assets = JsonNode.Parse(File.ReadAllText(assetsPath))!;
        var folders = (assets["packageFolders"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
        var libraries = assets["libraries"] as JsonObject;
        var target = (assets["targets"] as JsonObject)?.FirstOrDefault(kv =>
            kv.Key == tfm || kv.Key.StartsWith(tfm + "/", StringComparison.Ordinal)).Value as JsonObject;
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rid = $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var result = new List<string>();
        if (target is null) return result;
        foreach (var (id, entry) in target)
        {
            if (entry?["runtimeTargets"] is not JsonObject runtimeTargets) continue;
            var libPath = (string?)libraries?[id]?["path"] ?? id.ToLowerInvariant();
            foreach (var (file, info) in runtimeTargets)
            {
                if ((string?)info?["assetType"] != "native" || (string?)info?["rid"] != rid) continue;
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
            $"    <PackageReference Include=\"{Esc(p.Name)}\" " +
                $"Version=\"{Esc(p.Version is "" or "*-*" ? "*" : p.Version)}\" />"));
        var extra = sources.Count == 0 ? "" : $"\n    <RestoreAdditionalProjectSources>{Esc(string.Join(";",
            sources))}</RestoreAdditionalProjectSources>";
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

    // Empty Directory.Build.* and Directory.Packages.props stop MSBuild from importing files from folders above the
    // cache.
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

    /// <summary>
    /// Reads why <c>dotnet restore</c> failed from the NuGet codes in its output. A source that could not be reached
    /// (NU1301) comes first: then nobody can say whether the package exists. Otherwise NU1101 (no source has a
    /// package of that id) and NU1102/NU1103 (no such version) name the packages.
    /// </summary>
    /// <param name="log">What <c>dotnet restore</c> printed.</param>
    /// <param name="packages">The packages it was asked for.</param>
    /// <returns>The kind of failure, the packages to blame, and one sentence for people.</returns>
    public static (RestoreFailure Failure, IReadOnlyList<string> Missing, string Problem) Diagnose(
        string log, IReadOnlyCollection<PackageRef> packages)
    {
        var all = packages.Select(p => p.Name).ToList();
        if (Unreachable().Match(log) is { Success: true } offline)
            return (RestoreFailure.SourceUnreachable, all,
                $"the package source(s) could not be reached (offline?): {offline.Groups[1].Value.Trim()}");

        var notFound = NotFound().Matches(log).Select(m => m.Groups[1].Value).ToList();
        var noVersion = NoVersion().Matches(log)
            .Select(m => (Name: m.Groups[1].Value, Range: m.Groups[2].Value)).ToList();
        string Written(string name) =>
            packages.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Name ?? name;
        if (notFound.Count > 0 || noVersion.Count > 0)
        {
            var missing = notFound.Concat(noVersion.Select(v => v.Name)).Select(Written)
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var problems = notFound.Select(n => $"no source has package {Written(n)} (check the name and version)")
                .Concat(noVersion.Select(v =>
                {
                    var nearest = Nearest().Match(log) is { Success: true } m
                        ? $"; nearest version found: {m.Groups[1].Value}"
                        : "";
                    return $"no source has package {Written(v.Name)} in version {v.Range} " +
                           $"(check the name and version{nearest})";
                }))
                .Distinct();
            return (notFound.Count > 0 ? RestoreFailure.PackageNotFound : RestoreFailure.VersionNotFound, missing,
                string.Join("; ", problems));
        }
        var error = FirstError().Match(log) is { Success: true } e ? e.Groups[1].Value.Trim() : "no error message";
        return (RestoreFailure.Other, all, $"dotnet restore failed: {error}");
    }

    private static async Task<(int ExitCode, string Log)> RunDotnetRestoreAsync(
        string project, string? configFile, CancellationToken cancel)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(project)!,
        };
        foreach (var arg in new[] { "restore", project, "--nologo", "--disable-build-servers", "-v", "q",
            "-p:NuGetInteractive=false" })
            start.ArgumentList.Add(arg);
        if (configFile is not null)
        {
            start.ArgumentList.Add("--configfile");
            start.ArgumentList.Add(configFile);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDNOINPROCNODE"] = null;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
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

    // NU1301: Unable to load the service index for source … / The local source '…' doesn't exist.
    [GeneratedRegex(@"error NU1301: ([^\r\n]*)")]
    private static partial Regex Unreachable();

    // NU1101: Unable to find package X. No packages exist with this id in source(s): …
    [GeneratedRegex(@"error NU1101: Unable to find package '?([A-Za-z0-9_.\-]+?)'?\.(?:\s|$)")]
    private static partial Regex NotFound();

    // NU1102: Unable to find package X with version (>= 9.0.0);
    // NU1103: Unable to find a stable package X with version …
    [GeneratedRegex(
        @"error NU110[23]: Unable to find (?:a stable )?package '?([A-Za-z0-9_.\-]+?)'? with version \(([^)]*)\)")]
    private static partial Regex NoVersion();

    // NU1102's second line: "- Found 1 version(s) in feed [ Nearest version: 5.0.0 ]"
    [GeneratedRegex(@"Nearest version: ([^\s\]]+)")]
    private static partial Regex Nearest();

    [GeneratedRegex(@"error ([A-Z]+[0-9]+: [^\r\n]*)")]
    private static partial Regex FirstError();
}
