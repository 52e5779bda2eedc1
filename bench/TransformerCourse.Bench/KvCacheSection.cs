using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TransformerCourse.Autograd;
using TransformerCourse.Transformer;

namespace TransformerCourse.Bench;

/// <summary>
/// Greedy generation of T tokens with notebook 15's model (DecoderOnlyLM, d_model 64, h 8, d_ff 256, 2 pre-LN layers,
/// vocabulary 1000, random weights, batch 1, float64): with the KV cache and without it (every step reruns the whole
/// prefix), and PyTorch running the same decoder with a hand-written KV cache (bench/torch_kvcache.py), interleaved.
/// </summary>
sealed class KvCacheSection : IBenchSection, IWorkerSection
{
    public string Name => "kvcache";

    /// <summary>The numbers of generated tokens.</summary>
    public static readonly int[] Lengths = [32, 64, 128, 256];

    /// <summary>The notebook-15 model's configuration.</summary>
    public static readonly TransformerConfig Config = new()
    {
        DModel = 64, Heads = 8, DFF = 256, DecoderLayers = 2, NormFirst = true, MaxLength = 512, Dropout = 0,
    };

    const int Vocab = 1000;

    /// <summary>One T at one thread count: seconds per generation of T tokens; ratios are medians of side-by-side
    /// sample ratios.</summary>
    public sealed record Case(int Tokens, int Threads, long CacheBytes, Timing Uncached, Timing CachedManaged,
        Timing? CachedNative, Timing? Torch, double CacheSpeedUp, double? NativeOverTorch, double? ManagedOverTorch);

    /// <summary>What one worker process measured.</summary>
    public sealed record WorkerResult(int Threads, string Acceleration, string UncachedProvider,
        string? TorchDescription,
        string? TorchNote, List<Case> Cases);

    public string Run(BenchSettings settings) => Report(ChildProcess.RunEach<WorkerResult>(Name, settings));

    public JsonElement Measure(BenchSettings settings)
    {
        using var context = WorkerContext.Start(Name, settings);
        var model = new DecoderOnlyLM(Vocab, Config, new Rng(1));
        var uncachedProvider = context.Native ?? context.Managed;
        var cases = new List<Case>();
        foreach (int tokens in Lengths)
        {
            var workloads = context.OnEachProvider(() => model.Greedy([1], tokens, useCache: true));
            workloads.Add(Workload.Of(() =>
            {
                MathNet.Numerics.Providers.LinearAlgebra.LinearAlgebraControl.Provider = uncachedProvider;
                model.Greedy([1], tokens, useCache: false);
            }));
            if (context.Torch is { } torch)
            {
                torch.Setup(new JsonObject
                {
                    ["cmd"] = "kvcache", ["vocab"] = Vocab, ["d_model"] = Config.DModel, ["heads"] = Config.Heads,
                    ["d_ff"] = Config.DFF, ["layers"] = Config.DecoderLayers, ["max_len"] = Config.MaxLength,
                    ["tokens"] = tokens,
                });
                workloads.Add(torch.Workload);
            }
            bool first = cases.Count == 0;
            foreach (var w in workloads)
                if (w.Local is { } local) Bench.Measure.WarmUp(local, first ? 20 : 5, first ? 5 : 2);
            var timings = Bench.Measure.Interleaved([.. workloads]);
            var managed = timings[0];
            var native = context.Native is not null ? timings[1] : null;
            var uncached = timings[context.Native is not null ? 2 : 1];
            var t = context.Torch is not null ? timings[^1] : null;
            var fastest = native ?? managed;
            var c = new Case(tokens, context.Threads, CacheBytes(model, tokens), uncached, managed, native, t,
                fastest.SpeedOver(uncached), t is null || native is null ? null : t.SpeedOver(native),
                t?.SpeedOver(managed));
            cases.Add(c);
            Console.Error.WriteLine($"[kvcache] {context.Threads} thread(s), T={tokens}: uncached "
                + $"{Ms(uncached.Seconds)}, cached managed "
                + $"{Ms(managed.Seconds)}, native {Ms(native?.Seconds)}, PyTorch {Ms(t?.Seconds)} ms; speed-up "
                + $"{Ratio(c.CacheSpeedUp)}, "
                + $"native/PyTorch {Ratio(c.NativeOverTorch)}");
        }
        var result = new WorkerResult(context.Threads, context.Enabled.Message,
            context.Native is null ? "managed" : "native",
            context.Torch?.Description, context.TorchNote, cases);
        return JsonSerializer.SerializeToElement(result, ChildProcess.Json);
    }

    /// <summary>The cache's <see cref="Generation.KvCache.Bytes"/> after T positions of the model.</summary>
    static long CacheBytes(DecoderOnlyLM model, int tokens)
    {
        using var noGrad = Tensor.NoGrad();
        var cache = CachedDecoding.Start(model, 1);
        for (int t = 0; t < tokens; t++) CachedDecoding.Step(model, cache, [1]);
        return cache.Bytes;
    }

    static string Report(List<WorkerResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## KV cache: greedy generation, cached vs uncached, and against PyTorch");
        md.AppendLine();
        md.AppendLine("Median milliseconds to generate T tokens greedily from a one-token prompt, batch 1, "
            + "float64, with notebook 15's model: "
            + $"`DecoderOnlyLM` (vocabulary {Vocab}, d_model {Config.DModel}, h {Config.Heads}, d_ff "
            + $"{Config.DFF}, {Config.DecoderLayers} pre-LN layers, "
            + "sinusoidal positions, tied output head, random weights: speed does not depend on training). "
            + "*uncached*: `Greedy(prompt, T, useCache: false)`, every step reruns the whole prefix through "
            + "every layer; "
            + "*cached*: `useCache: true`, every step runs the new token only against the KV cache, on "
            + "MathNet's managed provider and on "
            + "the native one; *PyTorch*: the same decoder hand-written with a preallocated KV cache "
            + "(bench/torch_kvcache.py, "
            + "`torch.inference_mode`), in a worker process with the same thread count and OpenBLAS kernels. "
            + "All run in turn, sample by sample; ratios are medians of side-by-side sample ratios. "
            + "Speed-up = uncached / cached time (cached on the native provider when present, and uncached on "
            + "the same provider); "
            + "cache bytes = `KvCache.Bytes` after T positions = 2 · layers · B · T · g · d_k · 8.");
        md.AppendLine();
        foreach (var r in results)
            md.AppendLine($"- {r.Threads} thread(s): {r.Acceleration}; uncached on the {r.UncachedProvider} "
                + $"provider; {r.TorchDescription ?? r.TorchNote}.");
        md.AppendLine();
        md.AppendLine("| threads | T | cache bytes | uncached ms | cached managed ms | cached native ms | "
            + "PyTorch cached ms | cached tokens/s "
            + "| speed-up | native / PyTorch | managed / PyTorch |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in results.SelectMany(r => r.Cases))
        {
            var best = c.CachedNative ?? c.CachedManaged;
            md.AppendLine($"| {c.Threads} | {c.Tokens} | "
                + $"{c.CacheBytes.ToString("N0", CultureInfo.InvariantCulture)} | {Ms(c.Uncached.Seconds)} | "
                + $"{Ms(c.CachedManaged.Seconds)} | {Ms(c.CachedNative?.Seconds)} | {Ms(c.Torch?.Seconds)} | "
                + $"{(c.Tokens / best.Seconds).ToString("F0", CultureInfo.InvariantCulture)} | "
                + $"{Ratio(c.CacheSpeedUp)}× | "
                + $"{Ratio(c.NativeOverTorch)} | {Ratio(c.ManagedOverTorch)} |");
        }
        md.AppendLine();
        var at256 = results.SelectMany(r => r.Cases).Where(c => c.Tokens == 256).ToList();
        if (at256.Count > 0)
        {
            var speedUps = at256.Select(c => $"{Ratio(c.CacheSpeedUp)}× at {c.Threads} thread(s)");
            md.AppendLine($"Goal ≥ 10× at T = 256: {string.Join("; ", speedUps)}. "
                + "Goal native / PyTorch ≤ 1.0 for cached generation: met in "
                + $"{results.SelectMany(r => r.Cases).Count(c => c.NativeOverTorch <= 1.0)} of "
                + $"{results.SelectMany(r => r.Cases).Count(c => c.NativeOverTorch is not null)} cases.");
            md.AppendLine();
        }
        return md.ToString();
    }

    static string Ms(double? seconds) => StepProfile.Ms(seconds * 1000);

    static string Ratio(double? r) => r is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}
