// The course's benchmarks: one run, one markdown file. bench/run.sh is the one command that runs
// PyTorch's GEMM side first and then this program.
//
//   dotnet run -c Release --project bench/TransformerCourse.Bench -- \
//       [--threads 1,2] [--sizes 128,256,512,1024] [--samples 7]
//       [--sections gemm,encoder,train,minilm,online,kvcache,gru]
//       [--torch torch-gemm-t1.json ...] [--python /usr/bin/python3] [--out results.md] [--quick]
//
// Each section measures one thing and returns its markdown; a new benchmark is one more IBenchSection in
// the list below. The encoder and training sections measure in a child process per thread count
// (ChildProcess.cs: `--worker <section>`), which drives PyTorch's side through bench/torch_transformer.py.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using TransformerCourse.Bench;

IBenchSection[] sections = [new GemmSection(), new EncoderLayerSection(), new TrainingStepSection(),
    new MiniLmSection(),
    new OnlineAttentionSection(),
    new GruStepSection(),
    new KvCacheSection()];

var settings = BenchSettings.Parse(args);
if (settings.Worker is { } worker)
{
    var section = sections.OfType<IWorkerSection>().First(s => ((IBenchSection)s).Name == worker);
    File.WriteAllText(settings.WorkerOut!, section.Measure(settings).GetRawText());
    return;
}

var md = new StringBuilder();
md.AppendLine("# Benchmarks");
md.AppendLine();
md.AppendLine($"Written by `bash bench/run.sh` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {Machine.Cpu()}, "
    + $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}; " +
        $"{RuntimeInformation.FrameworkDescription}. "
    + $"Each time is the median of {Measure.Samples} samples of at least {Measure.MinSampleSeconds * 1000:F0} ms " +
        $"after a warm-up; "
    + "ratios compare numbers measured in this same run."
    + (Machine.LoadAverage() is { } load ? $" Load average when it started: {load} (a shared machine: absolute " +
        $"numbers vary from run to run; samples that are compared are interleaved so that their ratio stays " +
        $"fair)." : "")
    + (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 } core ? $" OPENBLAS_CORETYPE={core} " +
        $"for every process (ours and PyTorch's), so that both use the same OpenBLAS kernels." : ""));
md.AppendLine();
foreach (var section in sections.Where(s => settings.Sections.Contains(s.Name)))
{
    md.AppendLine(section.Run(settings));
}

var text = md.ToString().TrimEnd() + "\n";
if (settings.Out is { } path)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    File.WriteAllText(path, text);
    Console.Error.WriteLine($"wrote {path}");
}
Console.Write(text);

namespace TransformerCourse.Bench
{
    /// <summary>One benchmark: runs, and returns its part of the results file (a markdown section).</summary>
    interface IBenchSection
    {
        /// <summary>The name used by <c>--sections</c>, e.g. "gemm".</summary>
        string Name { get; }

        /// <summary>Measures and returns markdown.</summary>
        string Run(BenchSettings settings);
    }

    /// <summary>Command-line settings, and the PyTorch timings read from bench/torch_gemm.py's JSON files.</summary>
    sealed record BenchSettings(int[] Threads, int[] GemmSizes, string[] Sections, string? Out,
        IReadOnlyList<TorchRun> Torch,
        string? Python = null, bool Profile = false, string? Worker = null, string? WorkerOut = null)
    {
        public static BenchSettings Parse(string[] args)
        {
            int[] threads = [1, 2], sizes = [128, 256, 512, 1024];
            string[] sections = ["gemm", "encoder", "train", "minilm", "online", "kvcache"];
            string? output = null, python = null, worker = null, workerOut = null;
            var profile = false;
            var torch = new List<TorchRun>();
            for (var i = 0; i < args.Length; i++)
            {
                string Next() =>
                    i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--threads": threads = Ints(Next()); break;
                    case "--sizes": sizes = Ints(Next()); break;
                    case "--sections": sections = Next().Split(','); break;
                    case "--out": output = Next(); break;
                    case "--torch": torch.Add(TorchRun.Read(Next())); break;
                    case "--samples": Measure.Samples = Ints(Next())[0]; break;
                    case "--quick": Measure.Samples = 3; Measure.MinSampleSeconds = 0.01; break;
                    case "--min-sample": Measure.MinSampleSeconds = double.Parse(Next(),
                        CultureInfo.InvariantCulture); break;
                    case "--python": python = Next(); break;
                    case "--profile": profile = true; break;
                    case "--worker": worker = Next(); break;
                    case "--worker-out": workerOut = Next(); break;
                    default: throw new ArgumentException($"unknown argument {args[i]}; see the top of Program.cs");
                }
            }
            return new BenchSettings(threads, sizes, sections, output, torch, python, profile, worker, workerOut);
        }

        static int[] Ints(string list) => list.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();

        /// <summary>PyTorch's timings for one case, or null when it was not measured.</summary>
        public TorchResult? TorchResult(string benchmark, int threads, int n) =>
            Torch.Where(t => t.Benchmark == benchmark && t.Threads == threads)
                .SelectMany(t => t.Results).FirstOrDefault(r => r.N == n);

        /// <summary>"PyTorch 1.13.0, BLAS: OpenBLAS 0.3.21 …", or why there is no PyTorch column.</summary>
        public string TorchDescription(string benchmark) =>
            Torch.FirstOrDefault(t => t.Benchmark == benchmark) is { } run
                ? $"PyTorch {run.TorchVersion}, BLAS: {run.Blas}, threads set by torch.set_num_threads and " +
                    $"OPENBLAS_NUM_THREADS/OMP_NUM_THREADS"
                : "PyTorch not measured: install python3-torch and use bench/run.sh";
    }

    /// <summary>One JSON file of bench/torch_gemm.py.</summary>
    sealed record TorchRun(string Benchmark, string TorchVersion, string Blas, int Threads, List<TorchResult> Results)
    {
        public static TorchRun Read(string path) =>
            System.Text.Json.JsonSerializer.Deserialize<TorchRun>(File.ReadAllText(path),
                new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy =
                    System.Text.Json.JsonNamingPolicy.SnakeCaseLower })
            ?? throw new InvalidDataException($"{path}: empty");
    }

    /// <summary>
    /// One size of a PyTorch run: torch's median seconds, raw OpenBLAS's in the same process, and
    /// torch's speed over raw OpenBLAS as the median of side-by-side sample ratios.
    /// </summary>
    sealed record TorchResult(int N, double Seconds, double? RawSeconds, double? TorchSpeedOverRaw);

    static class Machine
    {
        /// <summary>The CPU's model name (Linux), else the architecture.</summary>
        public static string Cpu()
        {
            try
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name",
                    StringComparison.Ordinal));
                if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
            }
            catch (IOException) { }
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        /// <summary>The 1-minute load average (Linux), or null.</summary>
        public static string? LoadAverage()
        {
            try
            {
                return File.ReadAllText("/proc/loadavg").Split(' ')[0];
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
