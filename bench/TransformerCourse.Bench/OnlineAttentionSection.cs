using System.Globalization;
using System.Text;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;

namespace TransformerCourse.Bench;

/// <summary>
/// Online-softmax (tiled) attention against the plain one for one sequence and one head, d_k = d_v = 64, float64:
/// <see cref="OnlineSoftmaxAttention"/> (64×64 tiles) vs <see cref="ScaledDotProductAttention"/> (the readable
/// composition) and the fused kernel (<c>FusedAttention</c>, what <c>MultiHeadAttention</c> runs by default), forward
/// alone (inside <c>Tensor.NoGrad()</c>) and forward + backward, without a mask and causal, as T grows. Time is the
/// median of interleaved samples; memory is the managed bytes allocated per call (all threads), beside the 8·T² bytes
/// of one T×T matrix.
/// </summary>
sealed class OnlineAttentionSection : IBenchSection
{
    public string Name => "online";

    const int Dk = 64, Block = 64;

    /// <summary>The lengths T: 128 … 2048, or a comma-separated list in BENCH_ONLINE_T (e.g. "1024" for one).</summary>
    static readonly int[] Lengths = Environment.GetEnvironmentVariable("BENCH_ONLINE_T") is { Length: > 0 } list
        ? list.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray()
        : [128, 256, 512, 1024, 2048];

    /// <summary>One T and mask: timings of plain, fused and online, forward (0–2) then forward + backward (3–5).
    /// </summary>
    sealed record Row(int T, bool Causal, Timing[] Timings);

    public string Run(BenchSettings settings)
    {
        var rows = new List<Row>();
        foreach (var causal in new[] { false, true })
        {
            foreach (var t in Lengths)
            {
                var rng = new Rng(1);
                var q = Tensor.Randn(t, Dk, rng, requiresGrad: true);
                var k = Tensor.Randn(t, Dk, rng, requiresGrad: true);
                var v = Tensor.Randn(t, Dk, rng, requiresGrad: true);
                var seed = Tensor.Randn(t, Dk, rng).Data;
                var mask = causal ? Masks.Causal(t) : null;
                Func<Tensor>[] ways =
                [
                    () => ScaledDotProductAttention.Forward(q, k, v, mask).Output,
                    () => FusedAttention.Forward(q, k, v, 1, 1, causal ? AttentionMask.CausalOnly : null).Output,
                    () => OnlineSoftmaxAttention.Forward(q, k, v, causal: causal, blockSize: Block),
                ];
                var forward = ways.Select(f => (Action)(() =>
                {
                    using (Tensor.NoGrad()) f();
                }));
                var both = ways.Select(f => (Action)(() =>
                {
                    q.ZeroGrad();
                    k.ZeroGrad();
                    v.ZeroGrad();
                    f().Backward(seed);
                }));
                Action[] actions = [.. forward, .. both];
                foreach (var action in actions) Measure.WarmUp(action);    // past .NET's first, unoptimised code
                var timings = Measure.Interleaved(actions);
                rows.Add(new Row(t, causal, timings));
                Console.Error.WriteLine($"online T={t} causal={causal}: plain / fused / online forward " +
                    $"{Seconds(timings, 0)} s, forward+backward {Seconds(timings, 3)} s");
            }
        }
        return Report(rows);
    }

    static string Seconds(Timing[] t, int first) =>
        string.Join(" / ", t.Skip(first).Take(3).Select(x => x.Seconds.ToString("F4", CultureInfo.InvariantCulture)));

    static string Megabytes(Timing[] t, int first) =>
        string.Join(" / ", t.Skip(first).Take(3).Select(x => ((x.BytesPerCall ?? double.NaN) / 1e6)
            .ToString("F2", CultureInfo.InvariantCulture)));

    /// <summary>online time / other time, the median of side-by-side samples.</summary>
    static string Ratio(Timing online, Timing other) =>
        (1 / online.SpeedOver(other)).ToString("F2", CultureInfo.InvariantCulture);

    static string Report(List<Row> rows)
    {
        var md = new StringBuilder();
        md.AppendLine("## Online-softmax (tiled) attention vs plain attention, one head, d_k = 64");
        md.AppendLine();
        md.AppendLine($"Median seconds per call, float64, one sequence of T queries and keys, d_k = d_v = {Dk}, of "
            + "`ScaledDotProductAttention.Forward` (*plain*: the readable Q Kᵀ, softmax, · V), the fused kernel "
            + "`FusedAttention.Forward` (*fused*: what `MultiHeadAttention` runs by default; it too keeps the T×T "
            + $"weights) and `OnlineSoftmaxAttention.Forward` (*online*: {Block}×{Block} tiles, running max and sum, "
            + "the backward recomputes each tile from the saved log-sum-exp). *fwd*: forward inside "
            + "`Tensor.NoGrad()`; *f+b*: forward and backward. *MB*: managed megabytes allocated per call on all "
            + "threads; the tiled version reuses its tile buffers, and the rest of what it allocates are short-lived "
            + "per-tile copies inside the matrix products, so its live memory stays O(T·d + B²); *T×T MB*: "
            + "one T×T float64 matrix. Ratios are online time / other time, medians of side-by-side samples (above "
            + "1: online slower). Causal rows: plain gets a T×T −∞ mask, fused the causal AttentionMask, online the "
            + "causal flag, skipping the tiles above the diagonal. "
            + $"Provider: {LinearAlgebraControl.Provider}; {Environment.ProcessorCount} cores.");
        md.AppendLine();
        md.AppendLine("| mask | T | T×T MB | fwd s plain / fused / online | online ÷ fused | online ÷ plain | "
            + "fwd MB plain / fused / online | f+b s plain / fused / online | online ÷ fused | online ÷ plain | "
            + "f+b MB plain / fused / online |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            var t = r.Timings;
            string matrix = (8.0 * r.T * r.T / 1e6).ToString("F1", CultureInfo.InvariantCulture);
            md.AppendLine($"| {(r.Causal ? "causal" : "none")} | {r.T} | {matrix} | {Seconds(t, 0)} | "
                + $"{Ratio(t[2], t[1])} | {Ratio(t[2], t[0])} | {Megabytes(t, 0)} | {Seconds(t, 3)} | "
                + $"{Ratio(t[5], t[4])} | {Ratio(t[5], t[3])} | {Megabytes(t, 3)} |");
        }
        return md.ToString();
    }
}
