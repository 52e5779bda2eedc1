using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Transformer;

namespace TransformerCourse.Bench;

/// <summary>
/// One Transformer encoder layer, forward and backward (loss = Σ output ⊙ G, i.e. backward seeded with G), float64,
/// dropout 0: our <see cref="EncoderLayer"/> on MathNet's managed provider and on the native one, and PyTorch's
/// <c>nn.TransformerEncoderLayer(batch_first=True, dropout=0.0)</c>, interleaved, at each thread count.
/// </summary>
sealed class EncoderLayerSection : IBenchSection, IWorkerSection
{
    public string Name => "encoder";

    /// <summary>The shapes of one case.</summary>
    public sealed record Config(int Batch, int Time, int DModel, int Heads, int DFF, bool NormFirst)
    {
        public string Shape => $"B={Batch}, T={Time}, d_model={DModel}, h={Heads}, d_ff={DFF}";
        public string Norm => NormFirst ? "pre-LN" : "post-LN";
    }

    /// <summary>The cases: the issue's small layer and a larger one, post-LN (PyTorch's default) and pre-LN.</summary>
    public static readonly Config[] Configs =
    [
        new(32, 32, 128, 4, 512, false),
        new(32, 32, 128, 4, 512, true),
        new(32, 64, 256, 8, 1024, false),
        new(32, 64, 256, 8, 1024, true),
    ];

    /// <summary>One case at one thread count. Ratios are time ratios (below 1 = ours faster), medians of side-by-side
    /// samples.</summary>
    public sealed record Case(Config Config, int Threads, Timing Managed, Timing? Native, Timing? Torch,
        double? ManagedOverTorch, double? NativeOverTorch, double? NativeOverManaged,
        Timing? Mkl = null, double? MklOverTorch = null);

    /// <summary>What one worker process measured.</summary>
    public sealed record WorkerResult(int Threads, string Acceleration, string? OurKernels, string? TorchDescription,
        string? TorchNote,
        List<Case> Cases, List<ProfileResult>? Profiles, string? Mkl = null);

    public string Run(BenchSettings settings) => Report(ChildProcess.RunEach<WorkerResult>(Name, settings));

    public JsonElement Measure(BenchSettings settings)
    {
        using var context = WorkerContext.Start(Name, settings, withMkl: true);
        var torch = context.Torch;
        int threads = context.Threads;

        var cases = new List<Case>();
        foreach (var config in Configs)
        {
            var step = Step(config);
            var workloads = context.OnEachProvider(step);
            if (torch is not null)
            {
                torch.Setup(new JsonObject
                {
                    ["cmd"] = "encoder", ["batch"] = config.Batch, ["time"] = config.Time, ["d_model"] = config.DModel,
                    ["heads"] = config.Heads, ["d_ff"] = config.DFF, ["norm_first"] = config.NormFirst,
                });
                workloads.Add(torch.Workload);
            }
            // The first case also warms up the process: the runtime's compiler and the GC's heap sizes settle in the
            // first seconds.
            bool first = cases.Count == 0;
            foreach (var w in workloads) if (w.Local is { } local) Bench.Measure.WarmUp(local, first ? 100 : 40,
                first ? 8 : 3);
            var timings = Bench.Measure.Interleaved([.. workloads]);
            var m = timings[0];
            var n = context.Native is not null ? timings[1] : null;
            var k = context.Mkl is not null ? timings[context.Native is not null ? 2 : 1] : null;
            var t = torch is not null ? timings[^1] : null;
            var c = new Case(config, threads, m, n, t,
                t is null ? null : t.SpeedOver(m), t is null || n is null ? null : t.SpeedOver(n),
                    n is null ? null : m.SpeedOver(n),
                k, t is null || k is null ? null : t.SpeedOver(k));
            cases.Add(c);
            Console.Error.WriteLine($"[encoder] {threads} thread(s), {config.Shape}, {config.Norm}: managed " +
                $"{Ms(m.Seconds)}, native {Ms(n?.Seconds)}, "
                + $"MKL {Ms(k?.Seconds)}, PyTorch {Ms(t?.Seconds)} ms; native/PyTorch {Ratio(c.NativeOverTorch)}");
        }

        List<ProfileResult>? profiles = null;
        if (settings.Profile)
        {
            profiles = [];
            var config = Configs[0];
            foreach (var (name, provider) in context.Providers)
            {
                LinearAlgebraControl.Provider = provider;
                var (layer, x, g, batch) = Build(config);
                Tensor? y = null;
                Action forward = () => { layer.ZeroGrad(); x.Grad = null; y = layer.Forward(x, batch); };
                Action backward = () => y!.Backward(g);
                Bench.Measure.WarmUp(() => { forward(); backward(); });
                profiles.Add(StepProfile.Run(name, 20, ("forward", forward), ("backward", backward)));
            }
        }
        var result = new WorkerResult(threads, context.Enabled.Message, context.OurKernels, torch?.Description,
            context.TorchNote, cases,
            profiles, context.MklMessage);
        return JsonSerializer.SerializeToElement(result, ChildProcess.Json);
    }

    /// <summary>The layer, an input that needs a gradient (as inside a stack), the seed G and the batch
    /// layout.</summary>
    static (EncoderLayer Layer, Tensor X, Matrix<double> G, SequenceBatch Batch) Build(Config c)
    {
        var rng = new Rng(1);
        var layer = new EncoderLayer(c.DModel, c.Heads, c.DFF, rng, dropout: 0.0, normFirst: c.NormFirst);
        var x = Tensor.Randn(c.Batch * c.Time, c.DModel, rng, requiresGrad: true);
        var g = Tensor.Randn(c.Batch * c.Time, c.DModel, rng).Data;
        return (layer, x, g, SequenceBatch.Full(c.Batch, c.Time));
    }

    /// <summary>One step: zero the gradients, forward, backward seeded with G.</summary>
    static Action Step(Config c)
    {
        var (layer, x, g, batch) = Build(c);
        return () =>
        {
            layer.ZeroGrad();
            x.Grad = null;
            layer.Forward(x, batch).Backward(g);
        };
    }

    static string Report(List<WorkerResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Transformer encoder layer: forward + backward, float64");
        md.AppendLine();
        md.AppendLine("Median milliseconds per step (lower is better): zero the gradients, forward, backward of loss " +
            "= Σ output ⊙ G "
            + "(backward seeded with a fixed random G), for an input that needs its gradient (as inside a stack); " +
                "dropout 0, ReLU, no padding. "
            + "*managed*: our `EncoderLayer` on MathNet's managed provider; *native*: the same on our CBLAS provider "
            + "(`Acceleration.Enable(threads: n)`); *PyTorch*: `nn.TransformerEncoderLayer(d_model, h, d_ff, " +
                "dropout=0.0, batch_first=True, norm_first=…)`, "
            + "float64, `torch.set_num_threads(n)`. The three run in turn, sample by sample (PyTorch in a worker " +
                "process, bench/torch_transformer.py), "
            + "and each ratio is the median of the per-sample ratios, so a busy moment of the machine falls on all " +
                "of them alike. "
            + "Our side runs in a process started with DOTNET_PROCESSOR_COUNT = n, so with n = 1 everything of ours " +
                "runs on one thread; "
            + "each step is first warmed up until .NET has compiled it fully (40 calls or 3 s). PyTorch's worker " +
                "runs with OMP_WAIT_POLICY=PASSIVE "
            + "(unless the caller sets it): with libgomp's default spin-waiting its 2-thread steps took 3–10× its " +
                "1-thread time on this shared machine.");
        md.AppendLine();
        foreach (var r in results)
        {
            md.AppendLine($"- {r.Threads} thread(s): {r.Acceleration}");
            md.AppendLine($"  OpenBLAS kernels: ours {r.OurKernels ?? "n/a"}; {r.TorchDescription ?? r.TorchNote}.");
            if (r.Mkl is not null) md.AppendLine($"  {r.Mkl}");
        }
        md.AppendLine();
        md.AppendLine("*MKL*: the same layer on our CBLAS provider with Intel MKL forced " +
            "(`TRANSFORMERCOURSE_BLAS=mkl`'s route), "
            + "in the same worker, sample by sample beside the others; n/a where MKL is not installed.");
        md.AppendLine();
        md.AppendLine("| threads | shape | norm | managed ms | native ms | MKL ms | PyTorch ms | managed / PyTorch | " +
            "native / PyTorch "
            + "| MKL / PyTorch | managed / native |");
        md.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in results.SelectMany(r => r.Cases))
        {
            md.AppendLine($"| {c.Threads} | {c.Config.Shape} | {c.Config.Norm} | {Ms(c.Managed.Seconds)} | " +
                $"{Ms(c.Native?.Seconds)} | "
                + $"{Ms(c.Mkl?.Seconds)} | {Ms(c.Torch?.Seconds)} | {Ratio(c.ManagedOverTorch)} | " +
                    $"{Ratio(c.NativeOverTorch)} | "
                + $"{Ratio(c.MklOverTorch)} | {Ratio(c.NativeOverManaged is { } r ? 1 / r : null)} |");
        }
        md.AppendLine();
        var goal = results.SelectMany(r => r.Cases).Where(c => c.NativeOverTorch is not null).ToList();
        if (goal.Count > 0)
        {
            var worst = goal.MaxBy(c => c.NativeOverTorch!.Value)!;
            md.AppendLine($"Goal native / PyTorch ≤ 1.5: met in {goal.Count(c =>
                c.NativeOverTorch <= 1.5)} of {goal.Count} cases "
                + $"(highest {Ratio(worst.NativeOverTorch)}: {worst.Config.Shape}, {worst.Config.Norm}, " +
                    $"{worst.Threads} thread(s)); "
                + $"at parity or better (≤ 1.00) in {goal.Count(c => c.NativeOverTorch <= 1.0)}.");
            md.AppendLine();
        }
        md.AppendLine("Managed bytes allocated per step (all threads):");
        md.AppendLine();
        md.AppendLine("| threads | shape | norm | managed | native |");
        md.AppendLine("|---:|---|---|---:|---:|");
        foreach (var c in results.SelectMany(r => r.Cases))
            md.AppendLine($"| {c.Threads} | {c.Config.Shape} | {c.Config.Norm} | " +
                $"{StepProfile.Bytes(c.Managed.BytesPerCall)} | {StepProfile.Bytes(c.Native?.BytesPerCall)} |");
        md.AppendLine();
        if (results.FirstOrDefault(r => r.Profiles is { Count: > 0 }) is { } p)
        {
            var config = Configs[0];
            md.AppendLine($"### Where the time goes: encoder layer, {config.Shape}, {config.Norm}, {p.Threads} " +
                $"thread(s)");
            md.AppendLine();
            md.AppendLine($"Per step, averaged over {p.Profiles![0].Steps} profiled steps (the op timer adds a " +
                $"little overhead). Backward times are each operation's own backward rule; "
                + "forward times run from the previous operation's result to this one's, so they include the glue " +
                    "code just before it.");
            md.AppendLine();
            md.Append(StepProfile.Report(p.Profiles));
            md.AppendLine();
        }
        return md.ToString();
    }

    static string Ms(double? seconds) => StepProfile.Ms(seconds * 1000);

    static string Ratio(double? r) => r is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}
