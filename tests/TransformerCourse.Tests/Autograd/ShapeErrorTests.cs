using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

/// <summary>Bad shapes throw an ArgumentException that names the operation and the shapes involved.</summary>
public class ShapeErrorTests
{
    private static Tensor Z(int r, int c) => Tensor.Zeros(r, c, requiresGrad: true);

    [Fact]
    public void MatMul()
    {
        Expect.ThrowsArgument(() => Z(4, 3).MatMul(Z(5, 2)), "MatMul", "left is 4×3", "right is 5×2");
        Expect.ThrowsArgument(() => Z(4, 3).MatMul(Z(3, 4), transposeOther: true), "MatMul", "left is 4×3",
            "rightᵀ is 4×3 (right is 3×4)");
        var ex = Expect.ThrowsArgument(() => Z(4, 3).MatMul(Z(4, 3)), "MatMul", "left is 4×3", "right is 4×3");
        Expect.ThrowsArgument(() => Z(4, 3).MatMul(Z(2, 3), transposeThis: true), "MatMul",
            "leftᵀ is 3×4", "right is 2×3");
        Assert.DoesNotContain("Index", ex.GetType().Name);
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    public void Broadcast(string op)
    {
        Func<Tensor, Tensor, Tensor> f = op switch
        {
            "Add" => (a, b) => a.Add(b),
            "Sub" => (a, b) => a.Sub(b),
            "Mul" => (a, b) => a.Mul(b),
            _ => (a, b) => a.Div(b),
        };
        Expect.ThrowsArgument(() => f(Z(3, 4), Z(1, 5)), op, "left is 3×4", "right is 1×5");
        Expect.ThrowsArgument(() => f(Z(3, 4), Z(2, 4)), op, "left is 3×4", "right is 2×4");
        Expect.ThrowsArgument(() => f(Z(2, 1), Z(3, 1)), op, "left is 2×1", "right is 3×1");
    }

    [Fact]
    public void Concat()
    {
        Expect.ThrowsArgument(() => Tensor.ConcatRows(Z(2, 3), Z(2, 4)), "ConcatRows", "2×3", "2×4");
        Expect.ThrowsArgument(() => Tensor.ConcatCols(Z(2, 3), Z(3, 3)), "ConcatCols", "2×3", "3×3");
        Expect.ThrowsArgument(() => Tensor.ConcatRows(), "ConcatRows");
        Expect.ThrowsArgument(() => Tensor.ConcatCols(), "ConcatCols");
    }

    [Fact]
    public void Slices()
    {
        Expect.ThrowsArgument(() => Z(4, 3).SliceRows(2, 3), "SliceRows", "[2, 5)", "4×3");
        Expect.ThrowsArgument(() => Z(4, 3).SliceRows(-1, 1), "SliceRows", "4×3");
        Expect.ThrowsArgument(() => Z(4, 3).SliceCols(1, 3), "SliceCols", "[1, 4)", "4×3");
        Expect.ThrowsArgument(() => Z(4, 3).SliceCols(0, -1), "SliceCols", "4×3");
    }

    [Fact]
    public void GatherRowsAndReshape()
    {
        Expect.ThrowsArgument(() => Z(5, 2).GatherRows([1, 5]), "GatherRows", "index 5", "position 1", "5×2");
        Expect.ThrowsArgument(() => Z(5, 2).GatherRows([-1]), "GatherRows", "index -1");
        Expect.ThrowsArgument(() => Z(4, 3).Reshape(5, 2), "Reshape", "4×3", "5×2");
    }

    [Fact]
    public void LayerNorm()
    {
        Expect.ThrowsArgument(() => Z(2, 4).LayerNorm(Z(1, 3), Z(1, 4)), "LayerNorm", "input is 2×4",
            "gamma is 1×3", "beta is 1×4");
        Expect.ThrowsArgument(() => Z(2, 4).LayerNorm(Z(4, 1), Z(4, 1)), "LayerNorm", "gamma is 4×1");
    }

    [Fact]
    public void CrossEntropy()
    {
        Expect.ThrowsArgument(() => Z(3, 4).CrossEntropy([0, 1]), "CrossEntropy", "3×4", "2 targets");
        Expect.ThrowsArgument(() => Z(2, 4).CrossEntropy([0, 4]), "CrossEntropy", "target 4", "row 1", "[0, 4)");
        Expect.ThrowsArgument(() => Z(2, 4).CrossEntropy([-1, 0]), "CrossEntropy", "target -1");
        Assert.Throws<ArgumentOutOfRangeException>(() => Z(2, 4).CrossEntropy([0, 1], labelSmoothing: 1.5));
    }

    [Fact]
    public void LogAndSqrtOfNegatives()
    {
        Expect.ThrowsArgument(() => Tensor.Row(1, -2).Log(), "Log", "-2", "1×2");
        Expect.ThrowsArgument(() => Tensor.Row(1, -2).Sqrt(), "Sqrt", "-2", "1×2");
    }

    [Fact]
    public void BackwardNeedsAScalarOrAMatchingSeed()
    {
        // No argument is wrong here but the tensor's state, so this one is an InvalidOperationException;
        // it names the op and the shape.
        var ex = Assert.Throws<InvalidOperationException>(() => Z(3, 2).Square().Backward());
        Assert.Contains("Backward", ex.Message);
        Assert.Contains("3×2", ex.Message);
        Expect.ThrowsArgument(() => Z(3, 2).Square().Backward(Matrix<double>.Build.Dense(2, 3)), "Backward",
            "seed is 2×3", "tensor is 3×2");
        var item = Assert.Throws<InvalidOperationException>(() => Z(3, 2).Item());
        Assert.Contains("3×2", item.Message);
    }

    [Fact]
    public void FromRowsRagged()
    {
        Expect.ThrowsArgument(() => Tensor.FromRows([[1, 2], [3]]), "FromRows", "row 1");
    }
}
