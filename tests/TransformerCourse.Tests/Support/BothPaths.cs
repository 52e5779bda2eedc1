using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Tests.Support;

/// <summary>
/// Runs a computation once with the fused kernels and once on the readable path (<see cref="KernelSwitch.Fused"/>) and
/// asserts that both give the same output and the same gradients of every tensor that needs one, and that they are
/// two different computations: the recorded operation sequences differ, the readable run contains the operations
/// the paper names (so a readable branch made unreachable, <c>true || KernelSwitch.Fused</c>, fails here) and, where
/// named, the fused run the module's own kernels (so does a fused branch made unreachable).
/// </summary>
public static class BothPaths
{
    /// <summary>The agreement the two paths must reach (relative for values above 1).</summary>
    public const double Tolerance = 1e-12;

    /// <summary>
    /// <paramref name="run"/> builds fresh inputs and parameters (from fixed seeds, so both runs start equal) and
    /// returns
    /// the output and the tensors whose gradients are compared. The output is back-propagated with a fixed seed.
    /// </summary>
    public static void AssertSame(string what, Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run,
        params string[] readableOps) => AssertSame(what, run, readableOps, []);

    /// <summary>
    /// The same, and the fused run contains <paramref name="fusedOps"/>, the module's own kernels: a fused branch made
    /// unreachable (<c>false &amp;&amp; KernelSwitch.Fused</c>) fails here even where the layers inside it still
    /// switch, so that the two runs differ anyway.
    /// </summary>
    public static void AssertSame(string what, Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run,
        string[] readableOps, string[] fusedOps)
    {
        Assert.True(readableOps.Length > 0, $"{what}: name the operations the readable path must run");
        var (fusedSequence, readableSequence) = AssertSameNumbers(what, run);
        Assert.False(fusedSequence.SequenceEqual(readableSequence),
            $"{what}: the fused and the readable path ran the same operations ({string.Join(", ", fusedSequence)})");
        AssertRan(what, "readable", readableOps, readableSequence);
        AssertRan(what, "fused", fusedOps, fusedSequence);
    }

    private static void AssertRan(string what, string path, string[] expected, IReadOnlyList<string> sequence)
    {
        var missing = expected.Where(op => !sequence.Contains(op)).ToList();
        Assert.True(missing.Count == 0, $"{what}: the {path} path never ran {string.Join(", ", missing)}; it ran " +
            string.Join(", ", sequence));
    }

    /// <summary>
    /// Only the numbers: the same output and gradients on both paths, for a kernel that keeps its operation's name
    /// (e.g. the SIMD <c>Add</c>). Returns the operation sequences of the fused and the readable run.
    /// </summary>
    public static (IReadOnlyList<string> Fused, IReadOnlyList<string> Readable) AssertSameNumbers(string what,
        Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run)
    {
        var (fusedOut, fusedGrads, fusedOps) = Run(run, fused: true);
        var (readableOut, readableGrads, readableOps) = Run(run, fused: false);
        Expect.CloseRelative(fusedOut, readableOut, Tolerance, $"{what}: output");
        Assert.Equal(fusedGrads.Count, readableGrads.Count);
        for (int i = 0; i < fusedGrads.Count; i++)
        {
            Assert.True(fusedGrads[i] is not null, $"{what}: input {i} has no gradient on the fused path");
            Assert.True(readableGrads[i] is not null, $"{what}: input {i} has no gradient on the readable path");
            Expect.CloseRelative(fusedGrads[i]!, readableGrads[i]!, Tolerance, $"{what}: gradient of input {i}");
        }
        return (fusedOps, readableOps);
    }

    /// <summary>The same for a module: its parameters' gradients are compared besides the inputs'.</summary>
    public static void AssertSame(string what, Func<(Tensor Output, global::TransformerCourse.Nn.Module Module,
        Tensor[] Inputs)> run, params string[] readableOps) => AssertSame(what, run, readableOps, []);

    /// <summary>The same for a module, with the fused run's kernels named too.</summary>
    public static void AssertSame(string what, Func<(Tensor Output, global::TransformerCourse.Nn.Module Module,
        Tensor[] Inputs)> run, string[] readableOps, string[] fusedOps) =>
        AssertSame(what, () =>
        {
            var (output, module, inputs) = run();
            IReadOnlyList<Tensor> all = [.. inputs, .. module.Parameters()];
            return (output, all);
        }, readableOps, fusedOps);

    private static (Matrix<double> Output, List<Matrix<double>?> Grads, IReadOnlyList<string> Ops) Run(
        Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run, bool fused)
    {
        var profile = new OpProfile(recordSequence: true);
        var previous = Tensor.Profile;
        Tensor.Profile = profile;
        try
        {
            using (KernelSwitch.Use(fused))
            {
                var (output, inputs) = run();
                var seed = Tensor.Randn(output.Rows, output.Cols, new Rng(12345)).Data;
                output.Backward(seed);
                return (output.Data.Clone(), inputs.Select(t => t.Grad?.Clone()).ToList(), profile.Sequence.ToList());
            }
        }
        finally
        {
            Tensor.Profile = previous;
        }
    }
}
