using System.Globalization;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Pretrained;
using TransformerCourse.Transformer;

namespace TransformerCourse.Bench;

/// <summary>
/// all-MiniLM-L6-v2's forward pass on 32 sequences × 128 tokens: our <see cref="BertModel"/> in float64 (no gradient
/// recording, our CBLAS provider when present) against ONNX Runtime 1.32's float32 session on the same ONNX file, at
/// each thread count, samples interleaved.
/// </summary>
sealed class MiniLmSection : IBenchSection, IWorkerSection
{
    public string Name => "minilm";

    const int Batch = 32, Time = 128;

    /// <summary>What one worker process measured. OursOverOnnx is a time ratio (above 1 = ours slower).</summary>
    public sealed record WorkerResult(int Threads, string Acceleration, string Provider, Timing Ours, Timing Onnx,
        double OursOverOnnx, double MaxDifference);

    public string Run(BenchSettings settings) => Report(ChildProcess.RunEach<WorkerResult>(Name, settings));

    public JsonElement Measure(BenchSettings settings)
    {
        using var context = WorkerContext.Start(Name, settings);
        LinearAlgebraControl.Provider = context.Native ?? context.Managed;
        var model = MiniLm.Load();
        using var onnx = new OnnxReference(threads: context.Threads);
        // Token ids drawn from the vocabulary's word pieces (1996…29611), [CLS] first and [SEP] last, no padding.
        var rng = new Rng(42);
        var ids = new int[Batch * Time];
        for (int r = 0; r < ids.Length; r++)
            ids[r] = r % Time == 0 ? 101 : r % Time == Time - 1 ? 102 : rng.Next(1996, 29612);
        var mask = Enumerable.Repeat(1, ids.Length).ToArray();
        var batch = SequenceBatch.Full(Batch, Time);
        Tensor Ours()
        {
            using var noGrad = Tensor.NoGrad();
            return model.Forward(ids, batch);
        }
        double max = 0;
        var ours = Ours().Data;
        var reference = onnx.Run(ids, mask, null, Batch).LastHiddenState;
        for (int r = 0; r < ids.Length; r++)
        {
            for (int j = 0; j < 384; j++) max = Math.Max(max, Math.Abs(ours[r, j] - reference[r * 384 + j]));
        }
        Console.Error.WriteLine($"[minilm] {context.Threads} thread(s): max |ours − ONNX Runtime| = {max:E2}");
        Bench.Measure.WarmUp(() => Ours(), 2, 3);
        var timings = Bench.Measure.Interleaved(() => Ours(), () => onnx.Run(ids, mask, null, Batch));
        var result = new WorkerResult(context.Threads, context.Enabled.Message,
            context.Native is null ? "managed" : "native", timings[0], timings[1], timings[1].SpeedOver(timings[0]),
                max);
        Console.Error.WriteLine($"[minilm] {context.Threads} thread(s): ours {timings[0].Seconds:F2} s, ONNX Runtime " +
            $"{timings[1].Seconds:F3} s, ours / ONNX Runtime {result.OursOverOnnx:F1}");
        return JsonSerializer.SerializeToElement(result, ChildProcess.Json);
    }

    static string Report(List<WorkerResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## all-MiniLM-L6-v2 forward, 32 × 128 tokens: ours (float64) vs ONNX Runtime (float32)");
        md.AppendLine();
        md.AppendLine("Median seconds per forward pass of the 6-layer encoder (22.7M parameters) on a batch of 32 " +
            "sequences "
            + "of 128 token ids, no padding. *ours*: `MiniLm.Load()` (`BertModel`, float64, inside `Tensor.NoGrad()`, "
            + "our CBLAS provider when present); *ONNX Runtime*: the package's model.onnx, float32, "
            + "`IntraOpNumThreads = n`. Interleaved samples; the ratio is the median of per-sample ratios. "
            + "The max |difference| of the hidden states of the two on this batch is printed beside.");
        md.AppendLine();
        md.AppendLine("| threads | ours (provider) s | ONNX Runtime s | ours / ONNX Runtime | max abs difference |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Threads} | {r.Ours.Seconds:F2} ({r.Provider}) | "
                + $"{r.Onnx.Seconds:F3} | {r.OursOverOnnx:F1} | {r.MaxDifference:E1} |"));
        }
        md.AppendLine();
        md.AppendLine("Why ours is slower: float64 moves twice the bytes and does half the SIMD lanes of float32; " +
            "ONNX Runtime "
            + "fuses attention, GELU and layer norm into its own kernels and packs its matrices once, while our " +
                "forward "
            + "allocates each intermediate (B·T × d_ff and B × h × T × T) and goes through MathNet's matrix API.");
        return md.ToString();
    }
}
