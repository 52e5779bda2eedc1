using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>y = act(x·Wᵀ + b) in one node: values against hand-computed ones and a triple loop, gradients.</summary>
public class FusedLinearTests
{
    private static Tensor X(bool grad = false) => Tensor.FromArray(new double[,] { { 1, 2, 3 }, { -1, 0, 2 } }, grad);
    private static Tensor W(bool grad = false) => Tensor.FromArray(new double[,] { { 1, 0, -1 }, { 0.5, 1, 0 } }, grad);
    private static Tensor B(bool grad = false) => Tensor.FromArray(new double[,] { { 0.5, 1 } }, grad);

    // z = x·Wᵀ + b: row 0 [1 − 3 + 0.5, 0.5 + 2 + 1] = [−1.5, 3.5]; row 1 [−1 − 2 + 0.5, −0.5 + 0 + 1] = [−2.5, 0.5].
    private static readonly double[,] Z = { { -1.5, 3.5 }, { -2.5, 0.5 } };

    private static double Gelu(double z) => z * 0.5 * (1 + SpecialFunctions.Erf(z / Math.Sqrt(2)));

    [Fact]
    public void WithoutActivationItIsTheAffineMap()
    {
        var y = FusedLinear.Forward(X(), W(), B());
        Assert.Equal(Z, y.Data.ToArray());
    }

    [Fact]
    public void WithoutBiasItIsTheProductWithTheTransposedWeight()
    {
        var y = FusedLinear.Forward(X(), W(), null);
        Assert.Equal(new double[,] { { -2, 2.5 }, { -3, -0.5 } }, y.Data.ToArray());
    }

    [Fact]
    public void ReluZeroesTheNegativeEntries()
    {
        var y = FusedLinear.Forward(X(), W(), B(), FusedActivation.Relu);
        Assert.Equal(new double[,] { { 0, 3.5 }, { 0, 0.5 } }, y.Data.ToArray());
    }

    [Fact]
    public void GeluIsZTimesTheNormalCdfOfZ()
    {
        var y = FusedLinear.Forward(X(), W(), B(), FusedActivation.Gelu);
        var expected = Matrix<double>.Build.DenseOfArray(Z).Map(Gelu);
        Expect.Close(expected, y.Data, 1e-15, "GELU");
    }

    [Theory]
    [InlineData((int)FusedActivation.None)]
    [InlineData((int)FusedActivation.Relu)]
    [InlineData((int)FusedActivation.Gelu)]
    public void MatchesATripleLoopOnShapesThatAreNotMultiplesOfTheVectorWidth(int activation)
    {
        var act = (FusedActivation)activation;
        var rng = new Rng(81);
        foreach (var (n, inputs, outputs) in new[] { (1, 1, 1), (7, 3, 5), (17, 9, 3), (33, 4, 6) })
        {
            var x = Tensor.Randn(n, inputs, rng);
            var w = Tensor.Randn(outputs, inputs, rng);
            var b = Tensor.Randn(1, outputs, rng);
            var y = FusedLinear.Forward(x, w, b, act);
            var expected = Matrix<double>.Build.Dense(n, outputs);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < outputs; j++)
                {
                    double z = b.Data[0, j];
                    for (int k = 0; k < inputs; k++) z += x.Data[i, k] * w.Data[j, k];
                    expected[i, j] = act switch
                    {
                        FusedActivation.Relu => Math.Max(z, 0),
                        FusedActivation.Gelu => Gelu(z),
                        _ => z,
                    };
                }
            }
            Expect.Close(expected, y.Data, 1e-12, $"{act} {n}×{inputs}→{outputs}");
        }
    }

    [Theory]
    [InlineData((int)FusedActivation.None, true)]
    [InlineData((int)FusedActivation.None, false)]
    [InlineData((int)FusedActivation.Relu, true)]
    [InlineData((int)FusedActivation.Gelu, true)]
    [InlineData((int)FusedActivation.Gelu, false)]
    public void PassesGradientChecks(int activation, bool bias)
    {
        var act = (FusedActivation)activation;
        var rng = new Rng(82);
        var x = Gen.Param(5, 3, rng, "x");
        var w = Gen.Param(4, 3, rng, "W");
        var b = bias ? Gen.Param(1, 4, rng, "b") : null;
        var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
        var result = Expect.Gradients(() => FusedLinear.Forward(x, w, b, act), inputs);
        Assert.True(result.Checked > 0);
    }

    [Fact]
    public void ReluGradientIsZeroWhereTheOutputIsClipped()
    {
        var x = X(grad: true);
        var w = W(grad: true);
        var b = B(grad: true);
        FusedLinear.Forward(x, w, b, FusedActivation.Relu).Sum().Backward();
        // Only column 1 is positive (in both rows), so ∂b = [0, 2] and ∂x = rows of W's second row.
        Assert.Equal(new double[,] { { 0, 2 } }, b.Grad!.ToArray());
        Assert.Equal(new double[,] { { 0.5, 1, 0 }, { 0.5, 1, 0 } }, x.Grad!.ToArray());
        Assert.Equal(new double[,] { { 0, 0, 0 }, { 0, 2, 5 } }, w.Grad!.ToArray());
    }

    [Fact]
    public void TheNodeCarriesTheOperationName()
    {
        Assert.Equal("Linear", FusedLinear.Forward(X(true), W(), null).Op);
        Assert.Equal("FeedForward", FusedLinear.Forward(X(true), W(), null, op: "FeedForward").Op);
    }

    [Fact]
    public void ShapeErrorsNameTheOperationAndTheShapes()
    {
        Expect.ThrowsArgument(() => FusedLinear.Forward(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4), null),
            "Linear: input is 2×3 but the weight is 2×4; the input needs 4 columns.");
        Expect.ThrowsArgument(() => FusedLinear.Forward(X(), W(), Tensor.Zeros(1, 3), op: "FeedForward"),
            "FeedForward: bias is 1×3 but must be 1×2 for a 2×3 weight.");
        Expect.ThrowsArgument(() => FusedLinear.Forward(X(), W(), Tensor.Zeros(2, 2)), "Linear", "bias is 2×2");
    }
}
