using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransformerCourse.Bench;

/// <summary>
/// bench/torch_transformer.py as a worker process: it builds PyTorch's side of a benchmark and runs it when asked, so
/// that its samples can be interleaved with ours (see <see cref="Measure.Interleaved(Workload[])"/>).
/// One JSON command per line on its stdin, one JSON answer per line on its stdout.
/// </summary>
sealed class TorchWorker : IDisposable
{
    readonly Process _process;

    TorchWorker(Process process, JsonObject hello)
    {
        _process = process;
        Version = (string?)hello["torch_version"] ?? "?";
        Blas = (string?)hello["blas"] ?? "?";
        Threads = (int?)hello["threads"] ?? 0;
        WaitPolicy = (string?)hello["omp_wait_policy"] ?? "?";
    }

    /// <summary>OMP_WAIT_POLICY as the worker saw it.</summary>
    public string WaitPolicy { get; }

    /// <summary>One line for the results: version, threads, BLAS and OpenMP's wait policy.</summary>
    public string Description => $"PyTorch {Version}, {Threads} thread(s), OMP_WAIT_POLICY={WaitPolicy}, BLAS: {Blas}";

    /// <summary>torch.__version__.</summary>
    public string Version { get; }

    /// <summary>The BLAS library PyTorch loaded, with OpenBLAS's configuration string (which names its
    /// kernels).</summary>
    public string Blas { get; }

    /// <summary>torch.get_num_threads() after torch.set_num_threads.</summary>
    public int Threads { get; }

    /// <summary>
    /// Starts the worker with <paramref name="threads"/> threads (torch.set_num_threads, and OMP/OpenBLAS/MKL thread
    /// variables) and the given OPENBLAS_CORETYPE; null, with the reason in <paramref name="whyNot"/>, when it cannot.
    /// </summary>
    public static TorchWorker? Start(string? python, int threads, string? openBlasCoreType, out string whyNot)
    {
        whyNot = "";
        if (python is null)
        {
            whyNot = "PyTorch not measured: no Python with torch was given (bench/run.sh passes --python when " +
                "`import torch` works; apt-get install -y python3-torch)";
            return null;
        }
        var script = FindScript();
        if (script is null)
        {
            whyNot = "PyTorch not measured: bench/torch_transformer.py not found (run from the repository)";
            return null;
        }
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        var n = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["OMP_NUM_THREADS"] = n;
        info.Environment["OPENBLAS_NUM_THREADS"] = n;
        info.Environment["MKL_NUM_THREADS"] = n;
        if (openBlasCoreType is not null) info.Environment["OPENBLAS_CORETYPE"] = openBlasCoreType;
        // OpenMP threads that wait by spinning (libgomp's default) collapse when the machine has other work: on a
        // shared
        // 2-core machine PyTorch's 2-thread steps took 3–10× its 1-thread time. Waiting passively is the fair setting
        // there.
        info.Environment["OMP_WAIT_POLICY"] =
            Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 } policy ? policy : "PASSIVE";
        try
        {
            var process = Process.Start(info)!;
            var worker = new TorchWorker(process, Ask(process, new JsonObject { ["cmd"] = "hello", ["threads"] =
                threads }));
            return worker;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException
                                      or JsonException)
        {
            whyNot = $"PyTorch not measured: {python} bench/torch_transformer.py failed ({e.Message})";
            return null;
        }
    }

    /// <summary>Sends a setup command ("encoder", "train", with its fields); throws with PyTorch's message if it
    /// fails.</summary>
    public void Setup(JsonObject command) => Ask(_process, command);

    /// <summary>PyTorch's side of the current setup, as a workload to interleave with ours.</summary>
    public Workload Workload => new(calls => (double)Ask(_process, new JsonObject { ["cmd"] = "run", ["calls"] =
        calls })["seconds"]!, null);

    static JsonObject Ask(Process process, JsonObject command)
    {
        process.StandardInput.WriteLine(command.ToJsonString());
        process.StandardInput.Flush();
        var line = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"the PyTorch worker ended (exit code " +
                $"{(process.HasExited ? process.ExitCode : -1)}); see its error above");
        var answer = JsonNode.Parse(line)!.AsObject();
        if (answer["error"] is { } error) throw new InvalidOperationException($"PyTorch worker: {error}");
        return answer;
    }

    /// <summary>bench/torch_transformer.py, looked for upwards from the current directory and from this
    /// program.</summary>
    static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var path = Path.Combine(dir.FullName, "bench", "torch_transformer.py");
                if (File.Exists(path)) return path;
            }
        }
        return null;
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("{\"cmd\": \"quit\"}");
            _process.StandardInput.Close();
            if (!_process.WaitForExit(10_000)) _process.Kill();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
