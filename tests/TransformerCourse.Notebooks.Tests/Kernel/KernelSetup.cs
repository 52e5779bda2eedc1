using System.Diagnostics;
using System.Text;

namespace TransformerCourse.Notebooks.Tests.Kernel;

/// <summary>
/// Runs Jupyter's nbconvert with the Polyglot kernel: dotnet-interactive 1.0.712001 from the repository's tool
/// manifest (.config/dotnet-tools.json), through a kernelspec named ".net-csharp" (the name the notebooks' metadata
/// asks for) that this class writes under out/jupyter, so no machine-wide `jupyter install` is needed. The kernel's
/// HTTP API listens on local interfaces only.
/// </summary>
public static class KernelSetup
{
    private static readonly Lazy<string> jupyterPath = new(WriteKernelSpec);

    /// <summary>Why the kernel cannot run here, or null when it can (jupyter and the tool are installed).</summary>
    public static string? Missing()
    {
        if (!OnPath("jupyter-nbconvert") && !OnPath("jupyter"))
            return "jupyter nbconvert is not installed (apt-get install jupyter-nbconvert python3-nbclient " +
                "jupyter-client python3-ipykernel; .ci/run does it)";
        var (code, log) = Run("dotnet", "tool run dotnet-interactive --version", TestPaths.RepoRoot, 120);
        return code == 0 ? null
            : $"the dotnet-interactive tool is not restored (run `dotnet tool restore`): {log.Trim()}";
    }

    private static int launches;

    /// <summary>
    /// Executes <paramref name="input"/> in the kernel, writing <paramref name="outputName"/> into
    /// <paramref name="outDir"/>. Each launch gets its own range of ports for the kernel's HTTP API: a kernel still
    /// shutting down holds its port for a moment, and a new kernel that picks the same one dies at start-up. A kernel
    /// that dies before it ran a cell is started once more (the log says so).
    /// </summary>
    public static async Task<(int Code, string Log)> NbConvertAsync(string input, string outDir, string outputName)
    {
        var (code, log) = await NbConvertOnceAsync(input, outDir, outputName);
        if (code != 0 && log.Contains("DeadKernelError", StringComparison.Ordinal))
        {
            var (again, log2) = await NbConvertOnceAsync(input, outDir, outputName);
            return (again, $"(the kernel died; started once more)\n{log}\n---\n{log2}");
        }
        return (code, log);
    }

    private static Task<(int Code, string Log)> NbConvertOnceAsync(string input, string outDir, string outputName)
    {
        int first = 2048 + 40 * (Interlocked.Increment(ref launches) % 24);
        WriteKernelJson($"{first}-{first + 39}");
        return Task.Run(() => Run("jupyter",
            $"nbconvert --to notebook --execute --allow-errors --ExecutePreprocessor.kernel_name=.net-csharp " +
            $"--ExecutePreprocessor.timeout=900 --ExecutePreprocessor.startup_timeout=300 " +
            $"--output-dir \"{outDir}\" --output \"{Path.GetFileNameWithoutExtension(outputName)}\" \"{input}\"",
            Path.GetDirectoryName(input)!, 1800));
    }

    private static string WriteKernelSpec()
    {
        var root = Path.Combine(TestPaths.RepoRoot, "out", "jupyter");
        Directory.CreateDirectory(Path.Combine(root, "kernels", ".net-csharp"));
        WriteKernelJson("2048-3000", root);
        return root;
    }

    private static void WriteKernelJson(string ports, string? root = null)
    {
        root ??= jupyterPath.Value;
        File.WriteAllText(Path.Combine(root, "kernels", ".net-csharp", "kernel.json"), $$"""
            {
              "argv": ["dotnet", "tool", "run", "dotnet-interactive", "jupyter", "--default-kernel", "csharp",
                       "{connection_file}", "--http-local-only", "--http-port-range", "{{ports}}"],
              "display_name": ".NET (C#)",
              "language": "C#"
            }
            """);
    }

    private static (int, string) Run(string file, string args, string workingDirectory, int timeoutSeconds)
    {
        var info = new ProcessStartInfo(file, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["JUPYTER_PATH"] = jupyterPath.Value;
        info.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["PYDEVD_DISABLE_FILE_VALIDATION"] = "1";
        using var process = Process.Start(info)!;
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeoutSeconds} s\n{log}");
        }
        process.WaitForExit();
        return (process.ExitCode, log.ToString());
    }

    private static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, name)));
}
