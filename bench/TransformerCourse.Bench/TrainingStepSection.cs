using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Optim;
using TransformerCourse.Recipes;
using TransformerCourse.Training;
using TransformerCourse.Transformer;

namespace TransformerCourse.Bench;

/// <summary>
/// A full training step of the course's ko-en Transformer (<c>Experiment.Create("ko-en", "transformer")</c>, notebook
/// 11):
/// forward, loss, backward, gradient clipping, Adam — on real ko-en batches, in target tokens per second, ours (managed
/// and native) against the same model written with PyTorch's <c>nn.Transformer</c>, fed the same batches.
/// </summary>
sealed class TrainingStepSection : IBenchSection, IWorkerSection
{
    public string Name => "train";

    /// <summary>How many batches of the first epoch one timed call trains on (each one step).</summary>
    const int Batches = 8;

    /// <summary>One thread count. Ratios are time ratios (below 1 = ours faster), medians of side-by-side
    /// samples.</summary>
    public sealed record WorkerResult(int Threads, string Acceleration, string? OurKernels, string? TorchDescription,
        string? TorchNote,
        string Model, int Parameters, int Steps, int TargetTokens, int SourceTokens, string BatchShapes,
        Timing Managed, Timing? Native, Timing? Torch, double? ManagedOverTorch, double? NativeOverTorch,
            double? NativeOverManaged,
        List<ProfileResult>? Profiles);

    public string Run(BenchSettings settings) => Report(ChildProcess.RunEach<WorkerResult>(Name, settings));

    public JsonElement Measure(BenchSettings settings)
    {
        using var context = WorkerContext.Start(Name, settings);
        var torch = context.Torch;
        int threads = context.Threads;

        var clock = Stopwatch.StartNew();
        var experiment = Experiment.Create("ko-en", "transformer");
        var options = experiment.Options;
        var batches = Seq2SeqBatch.Epoch(experiment.Train, options.BatchSize, options.Seed, 0).Take(Batches).ToList();
        Console.Error.WriteLine($"[train] ko-en data and model ready in {clock.Elapsed.TotalSeconds:F1} s");
        var model = (Seq2SeqTransformer)experiment.Model;
        var optimizer = experiment.Optimizer;
        int targetTokens = batches.Sum(b => b.DecoderTarget.TokenCount);
        int sourceTokens = batches.Sum(b => b.Source.TokenCount);

        void Pass()
        {
            foreach (var batch in batches) experiment.Trainer.Step(batch);
        }

        var workloads = context.OnEachProvider(Pass);
        var batchFile = Path.GetTempFileName();
        try
        {
            if (torch is not null)
            {
                File.WriteAllText(batchFile, ExportBatches(model, options, batches).ToJsonString());
                torch.Setup(new JsonObject { ["cmd"] = "train", ["batches"] = batchFile });
                workloads.Add(torch.Workload);
            }
            foreach (var w in workloads) if (w.Local is { } local) Bench.Measure.WarmUp(local, calls: 8);
            var timings = Bench.Measure.Interleaved([.. workloads]);
            var m = timings[0];
            var n = context.Native is not null ? timings[1] : null;
            var t = torch is not null ? timings[^1] : null;

            List<ProfileResult>? profiles = null;
            if (settings.Profile)
            {
                profiles = [];
                foreach (var (name, provider) in context.Providers)
                {
                    LinearAlgebraControl.Provider = provider;
                    var batch = batches[0];
                    Tensor? loss = null;
                    profiles.Add(StepProfile.Run(name, 20,
                        ("zero grad", () => { model.Train(); optimizer.ZeroGrad(); }),
                        ("forward and loss", () => loss = model.Loss(batch, options.LabelSmoothing)),
                        ("backward", () => loss!.Backward()),
                        ("clip", () => GradClip.ClipGradNorm(optimizer.Parameters, options.ClipNorm)),
                        ("Adam", optimizer.Step)));
                }
            }
            var shapes = string.Join(", ", batches.Select(b => $"{b.Size}×{b.Source.Time}→{b.DecoderInput.Time}"));
            var config = model.Config;
            var description =
                $"d_model {config.DModel}, h {config.Heads}, d_ff {config.DFF}, " +
                $"{config.EncoderLayers}+{config.DecoderLayers} layers, "
                + $"{(config.NormFirst ? "pre-LN" : "post-LN")}, dropout {config.Dropout}, vocabularies " +
                    $"{model.SourceEmbedding.VocabSize} → {model.TargetVocabSize}";
            var result = new WorkerResult(threads, context.Enabled.Message, context.OurKernels, torch?.Description,
                context.TorchNote,
                description, model.ParameterCount, batches.Count, targetTokens, sourceTokens, shapes,
                m, n, t, t?.SpeedOver(m), n is null ? null : t?.SpeedOver(n), n is null ? null : m.SpeedOver(n),
                    profiles);
            Console.Error.WriteLine($"[train] {threads} thread(s): managed {Tps(targetTokens,
                m)}, native {Tps(targetTokens, n)}, PyTorch {Tps(targetTokens, t)} target tokens/s");
            return JsonSerializer.SerializeToElement(result, ChildProcess.Json);
        }
        finally
        {
            File.Delete(batchFile);
        }
    }

    /// <summary>The model's shape and the batches' token ids, for bench/torch_transformer.py.</summary>
    static JsonObject ExportBatches(Seq2SeqTransformer model, TrainingOptions options, List<Seq2SeqBatch> batches)
    {
        static JsonObject Side(Batch b) => new()
        {
            ["ids"] = new JsonArray([.. b.FlatIds().Select(i => (JsonNode)i)]),
            ["lengths"] = new JsonArray([.. b.Lengths.Select(i => (JsonNode)i)]),
            ["time"] = b.Time,
        };
        var config = model.Config;
        return new JsonObject
        {
            ["source_vocab"] = model.SourceEmbedding.VocabSize,
            ["target_vocab"] = model.TargetVocabSize,
            ["d_model"] = config.DModel,
            ["heads"] = config.Heads,
            ["d_ff"] = config.DFF,
            ["layers"] = config.EncoderLayers,
            ["norm_first"] = config.NormFirst,
            ["max_length"] = config.MaxLength,
            ["pad"] = Vocabulary.Pad,
            ["label_smoothing"] = options.LabelSmoothing,
            ["clip_norm"] = options.ClipNorm,
            ["batches"] = new JsonArray([.. batches.Select(b => (JsonNode)new JsonObject
            {
                ["source"] = Side(b.Source),
                ["decoder_input"] = Side(b.DecoderInput),
                ["decoder_target"] = Side(b.DecoderTarget),
            })]),
        };
    }

    static string Report(List<WorkerResult> results)
    {
        var first = results[0];
        var md = new StringBuilder();
        md.AppendLine("## Training step of the ko-en Transformer (notebook 11)");
        md.AppendLine();
        md.AppendLine($"`Experiment.Create(\"ko-en\", \"transformer\")`: {first.Model}, {first.Parameters:N0} " +
            $"parameters, float64. "
            + $"One step = zero the gradients, forward, label-smoothed cross-entropy (ε = 0.1, padding ignored), " +
                $"backward, clip the gradient norm to 1, Adam "
            + $"(as `Trainer.Fit`), on each of the first {first.Steps} batches of epoch 1 in turn (B×S→T: " +
                $"{first.BatchShapes}; "
            + $"{first.TargetTokens:N0} target tokens, {first.SourceTokens:N0} source tokens). "
            + "*PyTorch*: the same model in PyTorch (bench/torch_transformer.py: `nn.Transformer(norm_first=True, " +
                "dropout=0.0, batch_first=True)`, "
            + "embeddings × √d_model + sinusoidal positions, a linear generator, `CrossEntropyLoss(ignore_index=pad, " +
                "label_smoothing=0.1)`, "
            + "`clip_grad_norm_`, `Adam(betas=(0.9, 0.98), eps=1e-9)`), fed exactly the same token batches and masks " +
                "(exported by this harness). "
            + "Throughput counts target tokens (incl. <eos>, excl. padding), as `course train` does; samples " +
                "interleaved as above.");
        md.AppendLine();
        foreach (var r in results)
        {
            md.AppendLine($"- {r.Threads} thread(s): OpenBLAS kernels: ours {r.OurKernels ?? "n/a"}; {r.TorchDescription
                ?? r.TorchNote}.");
        }
        md.AppendLine();
        md.AppendLine("| threads | managed tokens/s | native tokens/s | PyTorch tokens/s | managed ms/step | native " +
            "ms/step | PyTorch ms/step | managed / PyTorch time | native / PyTorch time | managed bytes/step | " +
            "native bytes/step |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.Threads} | {Tps(r.TargetTokens, r.Managed)} | {Tps(r.TargetTokens,
                r.Native)} | {Tps(r.TargetTokens, r.Torch)} | "
                + $"{StepMs(r, r.Managed)} | {StepMs(r, r.Native)} | {StepMs(r,
                    r.Torch)} | {Ratio(r.ManagedOverTorch)} | {Ratio(r.NativeOverTorch)} | "
                + $"{StepProfile.Bytes(r.Managed.BytesPerCall / r.Steps)} | " +
                    $"{StepProfile.Bytes(r.Native?.BytesPerCall / r.Steps)} |");
        }
        md.AppendLine();
        if (results.FirstOrDefault(r => r.Profiles is { Count: > 0 }) is { } p)
        {
            md.AppendLine($"### Where the time goes: one ko-en training step (the first batch), {p.Threads} thread(s)");
            md.AppendLine();
            md.AppendLine($"Per step, averaged over {p.Profiles![0].Steps} profiled steps; operations as in the " +
                $"encoder-layer profile.");
            md.AppendLine();
            md.Append(StepProfile.Report(p.Profiles));
            md.AppendLine();
        }
        return md.ToString();
    }

    static string Tps(int tokens, Timing? t) => t is null ? "n/a" : (tokens / t.Seconds).ToString("N0",
        CultureInfo.InvariantCulture);

    static string StepMs(WorkerResult r, Timing? t) => StepProfile.Ms(t?.Seconds * 1000 / r.Steps);

    static string Ratio(double? r) => r is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "n/a";
}
