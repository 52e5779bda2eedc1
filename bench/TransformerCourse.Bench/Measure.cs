using System.Diagnostics;

namespace TransformerCourse.Bench;

/// <summary>Median time of one call, and the bytes it allocates (all threads).</summary>
/// <param name="Seconds">Median over the samples of (sample time / calls in the sample).</param>
/// <param name="BytesPerCall">Managed bytes allocated per call, on any thread (null for a workload in another
/// process).</param>
/// <param name="Samples">Seconds per call of each sample, in the order taken.</param>
record Timing(double Seconds, double? BytesPerCall, IReadOnlyList<double> Samples)
{
    /// <summary>
    /// How many times faster this is than <paramref name="other"/>, as the median over samples taken
    /// side by side (interleaved): a change of load between samples cancels out of each pair.
    /// </summary>
    public double SpeedOver(Timing other) =>
        Measure.Median(Samples.Zip(other.Samples, (mine, theirs) => theirs / mine).ToList());
}

/// <summary>
/// Something to time: <see cref="Run"/> makes n calls and returns the seconds they took, measured where they ran
/// (here, or in the PyTorch worker process). <see cref="Local"/> workloads also have their allocations counted.
/// </summary>
sealed record Workload(Func<int, double> Run, Action? Local)
{
    /// <summary>A workload of this process.</summary>
    public static Workload Of(Action action) => new(calls =>
    {
        var watch = Stopwatch.StartNew();
        for (var r = 0; r < calls; r++) action();
        return watch.Elapsed.TotalSeconds;
    }, action);
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
    public static Timing[] Interleaved(params Action[] actions) => Interleaved(actions.Select(Workload.Of).ToArray());

    /// <summary>As <see cref="Interleaved(Action[])"/>, for workloads that may run in another process.</summary>
    public static Timing[] Interleaved(params Workload[] workloads) => Interleaved(Samples, workloads);

    /// <summary>As <see cref="Interleaved(Workload[])"/> with a given number of samples.</summary>
    public static Timing[] Interleaved(int samples, params Workload[] workloads)
    {
        var batch = workloads.Select(Calibrate).ToArray();
        var seconds = workloads.Select(_ => new List<double>()).ToArray();
        for (var s = 0; s < samples; s++)
        {
            for (var j = 0; j < workloads.Length; j++)
            {
                var i = s % 2 == 0 ? j : workloads.Length - 1 - j; // a, b, then b, a: no workload always goes first
                seconds[i].Add(workloads[i].Run(batch[i]) / batch[i]);
            }
        }
        return workloads.Select((w, i) => new Timing(Median(seconds[i]),
            w.Local is { } local ? BytesPerCall(local, Math.Min(batch[i], 5)) : null, seconds[i])).ToArray();
    }

    /// <summary>Warms up (two calls, then at least 0.1 s) and returns how many calls make one sample.</summary>
    static int Calibrate(Workload workload)
    {
        workload.Run(2);
        double elapsed = 0;
        var calls = 0;
        do { elapsed += workload.Run(1); calls++; } while (elapsed < 0.1);
        var perCall = elapsed / calls;
        return (int)Math.Max(1, Math.Ceiling(MinSampleSeconds / perCall));
    }

    /// <summary>
    /// Runs <paramref name="action"/> until it has run <paramref name="calls"/> times or for <paramref
    /// name="maxSeconds"/>:
    /// .NET compiles a method quickly first and optimises it after about 30 calls, so code that runs once per step
    /// needs
    /// tens of steps before it runs at full speed (a training run is in that steady state after its first seconds).
    /// </summary>
    public static void WarmUp(Action action, int calls = 40, double maxSeconds = 3)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls && watch.Elapsed.TotalSeconds < maxSeconds; i++) action();
    }

    /// <summary>Managed bytes allocated per call, on all threads (after a collection, so that counts are
    /// exact).</summary>
    public static double BytesPerCall(Action action, int calls)
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
