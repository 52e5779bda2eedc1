using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace TransformerCourse.Bench;

/// <summary>A section whose measurements run in a child process per thread count (see <see cref="ChildProcess"/>).</summary>
interface IWorkerSection
{
    /// <summary>Measures at <c>settings.Threads[0]</c> threads, inside the child process; the result goes back as JSON.</summary>
    JsonElement Measure(BenchSettings settings);
}

/// <summary>
/// Runs a section's measurements in a fresh copy of this program started with <c>DOTNET_PROCESSOR_COUNT</c> = the thread
/// count. A process that sees one core runs everything on one thread, as PyTorch does after torch.set_num_threads(1):
/// MathNet's managed provider (Control.MaxDegreeOfParallelism), the attention op's parallel loop over (sequence, head)
/// blocks, and .NET's thread pool all size themselves from Environment.ProcessorCount.
/// </summary>
static class ChildProcess
{
    public static JsonElement Run(string section, int threads, BenchSettings settings)
    {
        var output = Path.GetTempFileName();
        try
        {
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's path");
            var info = new ProcessStartInfo(self) { UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            string[] args = ["--worker", section, "--worker-out", output, "--threads", threads.ToString(CultureInfo.InvariantCulture),
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
            if (process.ExitCode != 0) throw new InvalidOperationException($"the {section} worker ({threads} threads) failed with exit code {process.ExitCode}");
            return JsonDocument.Parse(File.ReadAllText(output)).RootElement.Clone();
        }
        finally
        {
            File.Delete(output);
        }
    }

    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
