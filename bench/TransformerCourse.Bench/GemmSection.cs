using System.Globalization;
using System.Text;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using TransformerCourse.Native;

namespace TransformerCourse.Bench;

/// <summary>
/// GEMM throughput, C = A·B for n×n doubles, in GFLOP/s (2n³ flops per product): MathNet's managed
/// provider, our CBLAS provider (through MathNet's <c>A.Multiply(B, C)</c>), OpenBLAS called directly,
/// and torch.matmul from bench/torch_gemm.py.
/// </summary>
sealed class GemmSection : IBenchSection
{
    public string Name => "gemm";

    record Row(int Threads, int N, Timing Managed, Timing? Native, Timing? Raw, TorchResult? Torch,
        double MaxDifference,
        Timing? Mkl = null)
    {
        /// <summary>MKL's speed over raw OpenBLAS, from side-by-side samples.</summary>
        public double? MklOverRaw => Mkl is { } m && Raw is { } r ? m.SpeedOver(r) : null;

        /// <summary>
        /// Native speed over PyTorch's. Each process timed its side against raw OpenBLAS, interleaved, so
        /// (native / raw) × (raw / PyTorch) is fair even when the machine was busier for one process.
        /// </summary>
        public double? NativeOverTorch => (Native, Raw, Torch) switch
        {
            ({ } n, { } r, { TorchSpeedOverRaw: { } torchOverRaw }) => n.SpeedOver(r) / torchOverRaw,
            ({ } n, _, { } t) => t.Seconds / n.Seconds,
            _ => null,
        };

        /// <summary>Native speed over raw OpenBLAS, from side-by-side samples.</summary>
        public double? NativeOverRaw => Native is { } n && Raw is { } r ? n.SpeedOver(r) : null;
    }

    public string Run(BenchSettings settings)
    {
        // MKL first, forced (BENCH_MKL: "mkl" or the path of a libmkl_rt.so), before OpenBLAS loads: see Mkl().
        var (mkl, mklMessage) = Mkl(settings.Threads[0]);
        var enabled = Acceleration.Enable(threads: settings.Threads[0]);
        Console.Error.WriteLine($"[gemm] {enabled.Message}");
        var native = enabled.Kind == AccelerationKind.Cblas ? LinearAlgebraControl.Provider : null;
        var raw = RawOpenBlas.IsAvailable;

        var rows = new List<Row>();
        foreach (var threads in settings.Threads)
        {
            Control.MaxDegreeOfParallelism = threads; // the managed provider's parallel loops
            if (native != null) Acceleration.TrySetThreads(threads);
            if (raw) RawOpenBlas.SetThreads(threads);
            if (mkl != null) SetThreads(mkl, threads, native);
            foreach (var n in settings.GemmSizes)
            {
                var rng = new Random(n);
                var a = Matrix<double>.Build.Dense(n, n, (_, _) => 2 * rng.NextDouble() - 1);
                var b = Matrix<double>.Build.Dense(n, n, (_, _) => 2 * rng.NextDouble() - 1);
                var c = Matrix<double>.Build.Dense(n, n);
                var cRaw = new double[n * n];
                var cMkl = new double[n * n];

                LinearAlgebraControl.UseManaged();
                var managed = Measure.Interleaved(() => a.Multiply(b, c))[0];
                var reference = c.Clone();

                Timing? nativeTiming = null, rawTiming = null, mklTiming = null;
                var maxDifference = 0.0;
                if (native != null)
                {
                    LinearAlgebraControl.Provider = native;
                    var actions = new List<Action> { () => a.Multiply(b, c) };
                    if (raw) actions.Add(() => RawOpenBlas.Dgemm(n, a.AsColumnMajorArray(), b.AsColumnMajorArray(),
                        cRaw));
                    if (mkl != null)
                        actions.Add(() => mkl.MatrixMultiply(a.AsColumnMajorArray(), n, n, b.AsColumnMajorArray(), n, n,
                            cMkl));
                    var timings = Measure.Interleaved([.. actions]);
                    nativeTiming = timings[0];
                    rawTiming = raw ? timings[1] : null;
                    mklTiming = mkl != null ? timings[^1] : null;
                    maxDifference = (c - reference).Enumerate().Max(Math.Abs);
                    if (mkl != null)
                        maxDifference = Math.Max(maxDifference, cMkl.Zip(reference.AsColumnMajorArray(), (x, y) =>
                            Math.Abs(x - y)).Max());
                }
                var torch = settings.TorchResult("gemm", threads, n);
                rows.Add(new Row(threads, n, managed, nativeTiming, rawTiming, torch, maxDifference, mklTiming));
                Console.Error.WriteLine($"[gemm] threads={threads} n={n}: managed {Gflops(n,
                    managed.Seconds):F2}, native {Gflops(n, nativeTiming?.Seconds):F2}, "
                    + $"raw {Gflops(n, rawTiming?.Seconds):F2}, torch {Gflops(n, torch?.Seconds):F2} GFLOP/s");
            }
        }
        var overhead = CallOverhead(native, raw);
        LinearAlgebraControl.UseManaged();
        Control.MaxDegreeOfParallelism = Environment.ProcessorCount;
        return Report(rows, enabled, settings, mklMessage) + overhead;
    }

    /// <summary>
    /// MKL through our provider, forced, or null with why not. Loaded and timed before OpenBLAS: OpenBLAS's threads
    /// spin for a while after it loads and after each product, and MKL's OpenMP threads crawl beside them.
    /// </summary>
    internal static (CblasLinearAlgebraProvider? Mkl, string Message) Mkl(int threads)
    {
        var choice = Environment.GetEnvironmentVariable("BENCH_MKL") ?? "mkl";
        var result = Acceleration.Enable(new AccelerationOptions { Override = choice, Threads = threads });
        var provider = LinearAlgebraControl.Provider as CblasLinearAlgebraProvider;
        Console.Error.WriteLine($"[gemm] MKL: {result.Message}");
        return provider is { LibraryFamily: "MKL" } ? (provider, $"*MKL*: {result.Message}")
            : (null, "*MKL*: n/a (install it with `bash .devcontainer/post-create.sh --mkl`, or set BENCH_MKL to the " +
                "path "
                + $"of a libmkl_rt.so): {result.Message}");
    }

    static void SetThreads(ILinearAlgebraProvider mkl, int threads, ILinearAlgebraProvider? native)
    {
        LinearAlgebraControl.Provider = mkl;
        Acceleration.TrySetThreads(threads);
        if (native != null) LinearAlgebraControl.Provider = native;
    }

    /// <summary>The time of a 2×2 product, where there is nothing to compute: the cost of each route itself.</summary>
    static string CallOverhead(ILinearAlgebraProvider? native, bool raw)
    {
        const int n = 2;
        var a = Matrix<double>.Build.Dense(n, n, 1.0);
        var c = Matrix<double>.Build.Dense(n, n);
        var cRaw = new double[n * n];
        LinearAlgebraControl.UseManaged();
        var managed = Measure.Interleaved(() => a.Multiply(a, c))[0];
        string Ns(Timing? t) => t is null ? "n/a" : (t.Seconds * 1e9).ToString("F0",
            CultureInfo.InvariantCulture) + " ns";
        Timing? nativeTiming = null, rawTiming = null;
        if (native != null)
        {
            LinearAlgebraControl.Provider = native;
            var timings = raw
                ? Measure.Interleaved(() => a.Multiply(a, c), () => RawOpenBlas.Dgemm(n, a.AsColumnMajorArray(),
                    a.AsColumnMajorArray(), cRaw))
                : Measure.Interleaved(() => a.Multiply(a, c));
            nativeTiming = timings[0];
            rawTiming = raw ? timings[1] : null;
        }
        return $"\nCost of one call where there is nothing to compute (a 2×2 product), i.e. of each route itself: "
            + $"managed {Ns(managed)}, native {Ns(nativeTiming)}, raw OpenBLAS {Ns(rawTiming)}.\n";
    }

    static double? Gflops(int n, double? seconds) => seconds is { } s ? 2.0 * n * n * n / s / 1e9 : null;

    static string Report(List<Row> rows, AccelerationResult enabled, BenchSettings settings, string mklMessage)
    {
        var md = new StringBuilder();
        md.AppendLine("## GEMM: C = A·B, n×n, double");
        md.AppendLine();
        md.AppendLine($"GFLOP/s = 2n³ / median time of one product (higher is better). *managed*: MathNet " +
            $"{typeof(Control).Assembly.GetName().Version} managed provider; "
            + $"*native*: our `CblasLinearAlgebraProvider` through MathNet's `A.Multiply(B, C)`; *raw*: " +
                $"`cblas_dgemm` of libopenblas.so.0 by P/Invoke; "
            + $"*PyTorch*: `torch.matmul(a, b, out=c)` ({settings.TorchDescription("gemm")}).");
        md.AppendLine(enabled.Message);
        md.AppendLine();
        md.AppendLine(mklMessage + " Its products are timed through our provider's `MatrixMultiply`, side by side " +
            "with the others.");
        md.AppendLine();
        md.AppendLine("| threads | n | managed | native | raw OpenBLAS | MKL | PyTorch | native / raw | MKL / raw | " +
            "native / managed | native / PyTorch |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            double? m = Gflops(r.N, r.Managed.Seconds), nat = Gflops(r.N, r.Native?.Seconds), raw = Gflops(r.N,
                r.Raw?.Seconds), torch = Gflops(r.N, r.Torch?.Seconds);
            md.AppendLine($"| {r.Threads} | {r.N} | {F(m)} | {F(nat)} | {F(raw)} | {F(Gflops(r.N,
                r.Mkl?.Seconds))} | {F(torch)} | {Ratio(r.NativeOverRaw, 1)} | "
                + $"{Ratio(r.MklOverRaw, 1)} | {Ratio(nat, m, "×")} | {Ratio(r.NativeOverTorch, 1)} |");
        }
        md.AppendLine();
        md.AppendLine("*native / raw* is the median, over side-by-side samples, of the ratio of their speeds (so " +
            "that a change of load "
            + "between samples cancels out). *native / PyTorch* is (native / raw OpenBLAS, timed side by side in " +
                ".NET) ÷ "
            + "(PyTorch / raw OpenBLAS, timed side by side in Python): the two processes ran at different moments of " +
                "a shared machine, "
            + "so their GFLOP/s columns are not compared directly.");
        md.AppendLine();

        var goal = rows.Where(r => r.N >= 256 && r.NativeOverRaw != null)
            .Select(r => (r.Threads, r.N, Ratio: r.NativeOverRaw!.Value)).ToList();
        if (goal.Count > 0)
        {
            var met = goal.Count(g => g.Ratio >= 0.90);
            var worst = goal.MinBy(g => g.Ratio);
            md.AppendLine($"Goal native / raw ≥ 0.90 at n ≥ 256: met in {met} of {goal.Count} cases "
                + $"(lowest {worst.Ratio.ToString("F2",
                    CultureInfo.InvariantCulture)} at n = {worst.N}, {worst.Threads} " +
                    $"thread{(worst.Threads == 1 ? "" : "s")}).");
            md.AppendLine();
        }
        var worstDifference = rows.Max(r => r.MaxDifference);
        md.AppendLine($"Largest |native − managed| or |MKL − managed| entry over all products: " +
            $"{worstDifference.ToString("E1", CultureInfo.InvariantCulture)}.");
        md.AppendLine();

        md.AppendLine("Managed bytes allocated per product (`A.Multiply(B, C)` into an existing C; raw: the P/Invoke " +
            "call):");
        md.AppendLine();
        md.AppendLine("| threads | n | managed | native | raw OpenBLAS |");
        md.AppendLine("|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
            md.AppendLine($"| {r.Threads} | {r.N} | {Bytes(r.Managed.BytesPerCall)} | " +
                $"{Bytes(r.Native?.BytesPerCall)} | {Bytes(r.Raw?.BytesPerCall)} |");
        return md.ToString();
    }

    static string F(double? value) => value is { } v ? v.ToString(v < 10 ? "F2" : "F1",
        CultureInfo.InvariantCulture) : "n/a";

    static string Ratio(double? top, double? bottom, string suffix = "") =>
        top is { } t && bottom is { } b && b > 0 ? (t / b).ToString(t / b >= 10 ? "F0" : "F2",
            CultureInfo.InvariantCulture) + suffix : "n/a";

    static string Bytes(double? bytes) => bytes switch
    {
        null => "n/a",
        < 1024 => $"{bytes:F0} B",
        < 1024 * 1024 => $"{bytes / 1024:F1} KiB",
        _ => $"{bytes / (1024 * 1024):F1} MiB",
    };
}
