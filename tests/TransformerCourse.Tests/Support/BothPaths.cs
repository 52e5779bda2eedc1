using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;

namespace TransformerCourse.Tests.Support;

/// <summary>
/// Runs a computation once with the fused kernels and once on the readable path (<see cref="Kernels.Fused"/>) and
/// asserts that both give the same output and the same gradients of every tensor that needs one.
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
    public static void AssertSame(string what, Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run)
    {
        var (fusedOut, fusedGrads) = Run(run, fused: true);
        var (readableOut, readableGrads) = Run(run, fused: false);
        Expect.CloseRelative(fusedOut, readableOut, Tolerance, $"{what}: output");
        Assert.Equal(fusedGrads.Count, readableGrads.Count);
        for (int i = 0; i < fusedGrads.Count; i++)
        {
            Assert.True(fusedGrads[i] is not null, $"{what}: input {i} has no gradient on the fused path");
            Assert.True(readableGrads[i] is not null, $"{what}: input {i} has no gradient on the readable path");
            Expect.CloseRelative(fusedGrads[i]!, readableGrads[i]!, Tolerance, $"{what}: gradient of input {i}");
        }
    }

    /// <summary>The same for a module: its parameters' gradients are compared besides the inputs'.</summary>
    public static void AssertSame(string what, Func<(Tensor Output, global::TransformerCourse.Nn.Module Module,
        Tensor[] Inputs)> run) =>
        AssertSame(what, () =>
        {
            var (output, module, inputs) = run();
            IReadOnlyList<Tensor> all = [.. inputs, .. module.Parameters()];
            return (output, all);
        });

    private static (Matrix<double> Output, List<Matrix<double>?> Grads) Run(
        Func<(Tensor Output, IReadOnlyList<Tensor> Inputs)> run, bool fused)
    {
        using (Kernels.Use(fused))
        {
            var (output, inputs) = run();
            var seed = Tensor.Randn(output.Rows, output.Cols, new Rng(12345)).Data;
            output.Backward(seed);
            return (output.Data.Clone(), inputs.Select(t => t.Grad?.Clone()).ToList());
        }
    }
}
