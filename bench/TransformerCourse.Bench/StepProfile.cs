using System.Diagnostics;
using System.Globalization;
using System.Text;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Bench;

/// <summary>Time per step of one phase (forward, backward, clip, Adam, …), with allocations.</summary>
sealed record PhaseTime(string Phase, double Milliseconds, double Bytes);

/// <summary>Per step, for one kind of autograd operation: calls, forward and backward milliseconds and bytes
/// allocated.</summary>
sealed record OpRow(string Op, double Calls, double ForwardMs, double BackwardMs, double ForwardBytes,
    double BackwardBytes);

/// <summary>Where one step's time goes, for one provider.</summary>
sealed record ProfileResult(string Provider, int Steps, List<PhaseTime> Phases, List<OpRow> Ops);

/// <summary>
/// The per-operation profile of a step (<see cref="OpProfile"/>): each phase of the step is timed with a stopwatch,
/// and every autograd operation inside it by the library's op timer. Run after the step has been warmed up.
/// </summary>
static class StepProfile
{
    public static ProfileResult Run(string provider, int steps, params (string Phase, Action Action)[] phases)
    {
        var ticks = new long[phases.Length];
        var bytes = new long[phases.Length];
        var profile = new OpProfile();
        Tensor.Profile = profile;
        try
        {
            for (int s = 0; s < steps; s++)
            {
                for (int p = 0; p < phases.Length; p++)
                {
                    long allocated = GC.GetTotalAllocatedBytes(precise: true);
                    profile.Mark();
                    long start = Stopwatch.GetTimestamp();
                    phases[p].Action();
                    ticks[p] += Stopwatch.GetTimestamp() - start;
                    bytes[p] += GC.GetTotalAllocatedBytes(precise: true) - allocated;
                }
            }
        }
        finally
        {
            Tensor.Profile = null;
        }
        var phaseTimes = phases.Select((p, i) => new PhaseTime(p.Phase, ticks[i] * 1000.0 / Stopwatch.Frequency / steps,
            bytes[i] / (double)steps)).ToList();
        var forward = profile.Forward;
        var backward = profile.Backward;
        var ops = forward.Keys.Union(backward.Keys)
            .Select(op => new OpRow(op,
                Math.Max(forward.GetValueOrDefault(op).Calls, backward.GetValueOrDefault(op).Calls) / (double)steps,
                forward.GetValueOrDefault(op).Seconds * 1000 / steps,
                backward.GetValueOrDefault(op).Seconds * 1000 / steps,
                forward.GetValueOrDefault(op).Bytes / (double)steps,
                backward.GetValueOrDefault(op).Bytes / (double)steps))
            .OrderByDescending(r => r.ForwardMs + r.BackwardMs).ToList();
        return new ProfileResult(provider, steps, phaseTimes, ops);
    }

    /// <summary>Markdown: the phases, then the operations side by side for each provider.</summary>
    public static string Report(IReadOnlyList<ProfileResult> profiles)
    {
        var md = new StringBuilder();
        md.AppendLine($"| phase | {string.Join(" | ", profiles.Select(p =>
            $"{p.Provider} ms | {p.Provider} allocated"))} |");
        md.AppendLine($"|---|{string.Concat(profiles.Select(_ => "---:|---:|"))}");
        foreach (var phase in profiles[0].Phases.Select(p => p.Phase))
        {
            md.Append($"| {phase} |");
            foreach (var p in profiles)
            {
                var t = p.Phases.First(x => x.Phase == phase);
                md.Append($" {Ms(t.Milliseconds)} | {Bytes(t.Bytes)} |");
            }
            md.AppendLine();
        }
        md.AppendLine();
        var ops = profiles.SelectMany(p => p.Ops).GroupBy(o => o.Op)
            .OrderByDescending(g => g.Max(o => o.ForwardMs + o.BackwardMs)).Select(g => g.Key).ToList();
        md.AppendLine($"| operation | calls | {string.Join(" | ", profiles.Select(p =>
            $"{p.Provider} forward ms | {p.Provider} backward ms"))} | allocated forward | allocated backward |");
        md.AppendLine($"|---|---:|{string.Concat(profiles.Select(_ => "---:|---:|"))}---:|---:|");
        foreach (var op in ops)
        {
            var rows = profiles.Select(p => p.Ops.FirstOrDefault(o => o.Op == op)).ToList();
            var any = rows.First(r => r is not null)!;
            md.Append($"| {op} | {any.Calls.ToString("0.#", CultureInfo.InvariantCulture)} |");
            foreach (var row in rows) md.Append(row is null ? " | |" : $" {Ms(row.ForwardMs)} | {Ms(row.BackwardMs)} " +
                $"|");
            var last = rows.Last(r => r is not null)!; // the native provider's when there is one
            md.AppendLine($" {Bytes(last.ForwardBytes)} | {Bytes(last.BackwardBytes)} |");
        }
        return md.ToString();
    }

    public static string Ms(double? ms) => ms is { } v ? v.ToString(v < 1 ? "F3" : v < 10 ? "F2" : "F1",
        CultureInfo.InvariantCulture) : "n/a";

    public static string Bytes(double? bytes) => bytes switch
    {
        null => "n/a",
        < 1024 => $"{bytes:F0} B",
        < 1024 * 1024 => $"{bytes / 1024:F1} KiB",
        _ => $"{bytes / (1024 * 1024):F1} MiB",
    };
}
