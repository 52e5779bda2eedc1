using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

/// <summary>The shape checks every op shares: messages name the op and both shapes.</summary>
public class ShapesTests
{
    [Fact]
    public void SameMaskAndFiniteNameTheOpAndTheShapes()
    {
        var a = Tensor.Zeros(2, 3);
        Shapes.Same("Add", a, Tensor.Zeros(2, 3));
        Expect.ThrowsArgument(() => Shapes.Same("Add", a, Tensor.Zeros(3, 2)), "Add", "2×3", "3×2");
        Shapes.Mask("Softmax", a, Matrix<double>.Build.Dense(1, 3));          // one row for every row: fine
        Shapes.Mask("Softmax", a, null);
        Expect.ThrowsArgument(() => Shapes.Mask("Softmax", a, Matrix<double>.Build.Dense(2, 2)),
            "Softmax", "2×2", "1×3");
        var m = Matrix<double>.Build.Dense(2, 2);
        m[1, 0] = double.NaN;
        Expect.ThrowsArgument(() => Shapes.Finite("LayerNorm", m, "input"), "LayerNorm", "NaN", "row 1, column 0");
        Assert.Equal("2×3", Shapes.Of(a.Data));
        Assert.Equal([1.0, 3.0, 2.0, 4.0],
            Shapes.Values(Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 } })));
    }
}
