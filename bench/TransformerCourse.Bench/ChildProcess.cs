using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Bench;

/// <summary>A section whose measurements run in a child process per thread count (see <see
/// cref="ChildProcess"/>).</summary>
interface IWorkerSection
{
    /// <summary>Measures at <c>settings.Threads[0]</c> threads, inside the child process; the result goes back as
    /// JSON.</summary>
    JsonElement Measure(BenchSettings settings);
}

/// <summary>
/// Runs a section's measurements in a fresh copy of this program started with <c>DOTNET_PROCESSOR_COUNT</c> = the
/// thread
/// count. A process that sees one core runs everything on one thread, as PyTorch does after torch.set_num_threads(1):
/// MathNet's managed provider (Control.MaxDegreeOfParallelism), the attention op's parallel loop over (sequence, head)
/// blocks, and .NET's thread pool all size themselves from Environment.ProcessorCount.
/// </summary>
static class ChildProcess
{
    /// <summary>Runs the section once per thread count, each in its own process (the first also profiles), and reads
    /// the results.</summary>
    public static List<T> RunEach<T>(string section, BenchSettings settings) =>
        settings.Threads.Select((threads, i) =>
            Run(section, threads, settings with { Threads = [threads], Profile = i == 0 }).Deserialize<T>(Json)!)
                .ToList();

    public static JsonElement Run(string section, int threads, BenchSettings settings)
    {
        var output = Path.GetTempFileName();
        try
        {
            var self = Environment.ProcessPath
                ?? throw new InvalidOperationException("cannot find this program's path");
            var info = new ProcessStartInfo(self) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
                info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            string[] args = ["--worker", section, "--worker-out", output, "--threads",
                threads.ToString(CultureInfo.InvariantCulture),
                "--samples", Measure.Samples.ToString(CultureInfo.InvariantCulture),
                "--min-sample", Measure.MinSampleSeconds.ToString(CultureInfo.InvariantCulture)];
            foreach (var a in args) info.ArgumentList.Add(a);
            if (settings.Python is { } python)
            {
                info.ArgumentList.Add("--python");
                info.ArgumentList.Add(python);
            }
            if (settings.Profile)
                info.ArgumentList.Add("--profile");
            info.Environment["DOTNET_PROCESSOR_COUNT"] = threads.ToString(CultureInfo.InvariantCulture);
            using var process = Process.Start(info)!;
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"the {section} worker ({threads} " +
                $"threads) failed with exit code {process.ExitCode}");
            return JsonDocument.Parse(File.ReadAllText(output)).RootElement.Clone();
        }
        finally
        {
            File.Delete(output);
        }
    }

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}

/// <summary>
/// Inside a worker process: acceleration enabled at the worker's thread count, both providers (so that samples can
/// switch
/// between them), the OpenBLAS kernels in use, and PyTorch's worker started with the same thread count and kernels.
/// </summary>
sealed class WorkerContext : IDisposable
{
    WorkerContext(string section, BenchSettings settings, bool withMkl)
    {
        Threads = settings.Threads[0];
        // MKL first, forced, before OpenBLAS loads (see GemmSection.Mkl); then the library Enable() would choose.
        if (withMkl) (Mkl, MklMessage) = GemmSection.Mkl(Threads);
        Enabled = Acceleration.Enable(threads: Threads);
        Console.Error.WriteLine($"[{section}] {Threads} thread(s): {Enabled.Message}");
        Native = Enabled.Kind == AccelerationKind.Cblas ? LinearAlgebraControl.Provider : null;
        LinearAlgebraControl.UseManaged();
        Managed = LinearAlgebraControl.Provider;
        OurKernels = Native is not null && RawOpenBlas.IsAvailable ? RawOpenBlas.CoreName() : null;
        Torch = TorchWorker.Start(settings.Python, Threads, OurKernels
            ?? Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE"), out var whyNot);
        if (Torch is null)
        {
            TorchNote = whyNot;
            Console.Error.WriteLine($"[{section}] {whyNot}");
        }
    }

    public static WorkerContext Start(string section, BenchSettings settings, bool withMkl = false) =>
        new(section, settings, withMkl);

    public int Threads { get; }

    public AccelerationResult Enabled { get; }

    public ILinearAlgebraProvider Managed { get; }

    /// <summary>Our CBLAS provider, or null when no native library was found.</summary>
    public ILinearAlgebraProvider? Native { get; }

    /// <summary>Our CBLAS provider on Intel MKL, forced (with <c>withMkl</c>), or null when MKL is not
    /// usable.</summary>
    public ILinearAlgebraProvider? Mkl { get; }

    /// <summary>What loading MKL said: its version and threading layer, or why it is not measured.</summary>
    public string? MklMessage { get; }

    /// <summary>openblas_get_corename(), when OpenBLAS is loaded.</summary>
    public string? OurKernels { get; }

    public TorchWorker? Torch { get; }

    /// <summary>Why PyTorch is not measured, when it is not.</summary>
    public string? TorchNote { get; }

    /// <summary>A step on MathNet's managed provider, then (if present) on the native one, then on MKL.</summary>
    public List<Workload> OnEachProvider(Action step)
    {
        var list = new List<Workload> { Workload.Of(() => { LinearAlgebraControl.Provider = Managed; step(); }) };
        if (Native is { } native) list.Add(Workload.Of(() => { LinearAlgebraControl.Provider = native; step(); }));
        if (Mkl is { } mkl) list.Add(Workload.Of(() => { LinearAlgebraControl.Provider = mkl; step(); }));
        return list;
    }

    /// <summary>The providers by name, for the profiles.</summary>
    public IEnumerable<(string Name, ILinearAlgebraProvider Provider)> Providers =>
        Native is { } native ? [("managed", Managed), ("native", native)] : [("managed", Managed)];

    public void Dispose()
    {
        LinearAlgebraControl.UseManaged();
        Torch?.Dispose();
    }
}
