using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

public class LinearTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(bool bias)
    {
        BothPaths.AssertSame($"Linear bias={bias}", () =>
        {
            var rng = new Rng(21);
            var linear = new Linear(5, 3, rng, bias);
            var x = Tensor.Randn(7, 5, rng, requiresGrad: true);
            return (linear.Forward(x), linear, [x]);
        });
    }

    [Fact]
    public void TheReadablePathIsXTimesWTransposedPlusB()
    {
        var rng = new Rng(22);
        var linear = new Linear(4, 2, rng);
        var x = Tensor.Randn(3, 4, rng);
        using (Kernels.Use(fused: false))
        {
            var y = linear.Forward(x);
            Expect.Close(x.Data * linear.Weight.Data.Transpose() + Ones(3) * linear.Bias!.Data, y.Data, 1e-15, "y");
        }
    }

    private static MathNet.Numerics.LinearAlgebra.Matrix<double> Ones(int rows) =>
        MathNet.Numerics.LinearAlgebra.Double.DenseMatrix.Create(rows, 1, 1.0);
}
