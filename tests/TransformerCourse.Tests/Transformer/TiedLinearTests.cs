using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The output layer that shares the embedding's matrix: y = x·Eᵀ + b, with only b its own parameter.</summary>
public class TiedLinearTests
{
    [Fact]
    public void ComputesXTimesTheSharedMatrixTransposedAndOwnsOnlyTheBias()
    {
        // E is V×d = 3×2 (one row per token); x is 2×2; by hand: x·Eᵀ = [[1, 2, 3], [-1, 0, 1]] … plus b = 0.
        var shared = Tensor.FromArray(new double[,] { { 1, 0 }, { 1, 1 }, { 1, 2 } }, requiresGrad: true, name: "E");
        var layer = new TiedLinear(shared);
        var x = Tensor.FromArray(new double[,] { { 1, 1 }, { -1, 1 } });
        Expect.Close(Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { -1, 0, 1 } }),
            layer.Forward(x).Data, 1e-15, "x·Eᵀ + 0");
        Assert.Equal(["bias"], layer.NamedParameters().Select(p => p.Name));
        Assert.Same(shared, layer.Weight);

        var noBias = new TiedLinear(shared, bias: false);
        Assert.Null(noBias.Bias);
        Assert.Empty(noBias.Parameters());
        var xg = Tensor.FromArray(new double[,] { { 0.3, -0.2 }, { 0.5, 0.1 } }, requiresGrad: true);
        Expect.Gradients(() => layer.Forward(xg).Tanh().Sum(), xg, shared, layer.Bias!);
    }

    [Fact]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients()
    {
        BothPaths.AssertSame("TiedLinear", () =>
        {
            var rng = new Rng(91);
            var table = Tensor.Randn(7, 4, rng, requiresGrad: true);
            var tied = new TiedLinear(table);
            tied.Bias!.Data.MapInplace(_ => rng.NextGaussian());
            var x = Tensor.Randn(5, 4, rng, requiresGrad: true);
            return (tied.Forward(x), tied, [x, table]);
        }, "MatMul", "Add");
    }
}
