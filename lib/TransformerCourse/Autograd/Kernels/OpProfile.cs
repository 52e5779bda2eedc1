using System.Diagnostics;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>
/// The time spent in one kind of operation: how many times it ran, for how long in total, and what it allocated.
/// </summary>
/// <param name="Calls">Number of calls.</param>
/// <param name="Seconds">Total wall-clock seconds.</param>
/// <param name="Bytes">Total managed bytes allocated on the recording thread (to within a few
/// kilobytes per call).</param>
public readonly record struct OpTime(int Calls, double Seconds, long Bytes);

/// <summary>
/// A simple per-operation timer for the autograd graph, to see where a training step spends its time.
/// Set <see cref="Tensor.Profile"/> to an instance, run some steps, read <see cref="Forward"/> and
/// <see cref="Backward"/>.
/// </summary>
/// <remarks>
/// <para><b>Backward</b> times are exact: each operation's backward rule is timed on its own.
/// <b>Forward</b> times are the time between one operation's result and the next (the first after <see cref="Mark"/>
/// counts from the mark), so each includes the operation's own work and whatever glue code ran just before it.</para>
/// <para>Allocations are counted on the recording thread only (work an operation hands to other threads
/// is not counted).
/// Not thread-safe: record from one thread (the one building the graph and calling Backward). Profiling wraps
/// every backward rule in a timing closure, so a profiled step allocates a little more than a plain one.</para>
/// </remarks>
/// <param name="recordSequence">Also keep the name of every forward operation in order (<see cref="Sequence"/>); off by
/// default, so that profiling a long run does not grow a list.</param>
public sealed class OpProfile(bool recordSequence = false)
{
    private readonly Dictionary<string, (int Calls, long Ticks, long Bytes)> _forward = new();
    private readonly Dictionary<string, (int Calls, long Ticks, long Bytes)> _backward = new();
    private readonly List<string> _sequence = [];
    private long _last = Stopwatch.GetTimestamp();
    private long _lastBytes = GC.GetAllocatedBytesForCurrentThread();

    /// <summary>Forward time per operation name (see the remarks for what it includes).</summary>
    public IReadOnlyDictionary<string, OpTime> Forward => Convert(_forward);

    /// <summary>Backward time per operation name.</summary>
    public IReadOnlyDictionary<string, OpTime> Backward => Convert(_backward);

    /// <summary>The names of the forward operations in the order they ran, when recorded (e.g. MatMul, Add for a
    /// readable <c>Linear</c>; one Linear node for its fused kernel).</summary>
    public IReadOnlyList<string> Sequence => _sequence;

    /// <summary>Starts the clock for the next forward operation (call it just before a forward pass).</summary>
    public void Mark()
    {
        _last = Stopwatch.GetTimestamp();
        _lastBytes = GC.GetAllocatedBytesForCurrentThread();
    }

    /// <summary>Forgets everything recorded so far.</summary>
    public void Clear()
    {
        _forward.Clear();
        _backward.Clear();
        _sequence.Clear();
        Mark();
    }

    /// <summary>
    /// Records that <paramref name="op"/> just produced its result, and returns its backward rule, timed.
    /// </summary>
    internal Action<MathNet.Numerics.LinearAlgebra.Matrix<double>> Record(string op,
        Action<MathNet.Numerics.LinearAlgebra.Matrix<double>> backward)
    {
        long now = Stopwatch.GetTimestamp(), bytes = GC.GetAllocatedBytesForCurrentThread();
        Add(_forward, op, now - _last, bytes - _lastBytes);
        if (recordSequence) _sequence.Add(op);
        _last = now;
        _lastBytes = bytes;
        return g =>
        {
            long start = Stopwatch.GetTimestamp(), allocated = GC.GetAllocatedBytesForCurrentThread();
            backward(g);
            Add(_backward, op, Stopwatch.GetTimestamp() - start, GC.GetAllocatedBytesForCurrentThread() - allocated);
        };
    }

    private static void Add(Dictionary<string, (int Calls, long Ticks, long Bytes)> table, string op, long ticks,
        long bytes)
    {
        var (calls, total, allocated) = table.GetValueOrDefault(op);
        table[op] = (calls + 1, total + ticks, allocated + bytes);
    }

    private static Dictionary<string, OpTime> Convert(Dictionary<string, (int Calls, long Ticks, long Bytes)> table) =>
        table.ToDictionary(kv => kv.Key, kv => new OpTime(kv.Value.Calls, kv.Value.Ticks / (double)Stopwatch.Frequency,
            kv.Value.Bytes));
}
