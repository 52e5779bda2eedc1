using System.Diagnostics;

namespace TransformerCourse.Bench;

/// <summary>Median time of one call, and the bytes it allocates (all threads).</summary>
/// <param name="Seconds">Median over the samples of (sample time / calls in the sample).</param>
/// <param name="BytesPerCall">Managed bytes allocated per call, on any thread.</param>
/// <param name="Samples">Seconds per call of each sample, in the order taken.</param>
record Timing(double Seconds, double BytesPerCall, IReadOnlyList<double> Samples)
{
    /// <summary>
    /// How many times faster this is than <paramref name="other"/>, as the median over samples taken
    /// side by side (interleaved): a change of load between samples cancels out of each pair.
    /// </summary>
    public double SpeedOver(Timing other) =>
        Measure.Median(Samples.Zip(other.Samples, (mine, theirs) => theirs / mine).ToList());
}

/// <summary>
/// The timing method of every section (and of bench/torch_gemm.py, which mirrors it): warm up, pick a
/// batch size so that one sample lasts at least <see cref="MinSampleSeconds"/>, take
/// <see cref="Samples"/> samples, report the median.
/// </summary>
static class Measure
{
    public static int Samples = 7;
    public static double MinSampleSeconds = 0.05;

    /// <summary>
    /// Times several actions with their samples interleaved (a, b, b, a, a, b, …), so that a slow patch
    /// of a shared machine falls on all of them alike and their ratios stay fair.
    /// </summary>
    public static Timing[] Interleaved(params Action[] actions)
    {
        var batch = actions.Select(Calibrate).ToArray();
        var seconds = actions.Select(_ => new List<double>()).ToArray();
        for (var s = 0; s < Samples; s++)
        {
            for (var j = 0; j < actions.Length; j++)
            {
                var i = s % 2 == 0 ? j : actions.Length - 1 - j; // a, b, then b, a: no action always goes first
                var watch = Stopwatch.StartNew();
                for (var r = 0; r < batch[i]; r++) actions[i]();
                seconds[i].Add(watch.Elapsed.TotalSeconds / batch[i]);
            }
        }
        return actions.Select((a, i) => new Timing(Median(seconds[i]), BytesPerCall(a, Math.Min(batch[i], 5)), seconds[i])).ToArray();
    }

    /// <summary>Warms up (two calls, then at least 0.1 s) and returns how many calls make one sample.</summary>
    static int Calibrate(Action action)
    {
        action();
        action();
        var watch = Stopwatch.StartNew();
        var calls = 0;
        do { action(); calls++; } while (watch.Elapsed.TotalSeconds < 0.1);
        var perCall = watch.Elapsed.TotalSeconds / calls;
        return (int)Math.Max(1, Math.Ceiling(MinSampleSeconds / perCall));
    }

    static double BytesPerCall(Action action, int calls)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < calls; i++) action();
        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)calls;
    }

    public static double Median(IEnumerable<double> samples)
    {
        var values = samples.Order().ToList();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
