using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>
/// Tensor's engine room: how gradient buffers are added up, shared and copied on write, and the SIMD fast path of
/// Add and Sub against the readable broadcasting path.
/// </summary>
public class TensorKernelsTests
{
    private static Matrix<double> M(double[,] values) => Matrix<double>.Build.DenseOfArray(values);

    private static readonly double[,] G1 = { { 1, 2 }, { 3, 4 } };
    private static readonly double[,] G2 = { { 10, 20 }, { 30, 40 } };
    private static readonly double[,] G12 = { { 11, 22 }, { 33, 44 } };

    /// <summary>A tensor computed from a parameter (it has a backward rule, so its first gradient is shared).</summary>
    private static Tensor Intermediate() => Tensor.Zeros(2, 2, requiresGrad: true).AddScalar(1);

    [Fact]
    public void AddGradOnALeafCopiesTheGradientAndAccumulates()
    {
        var leaf = Tensor.Zeros(2, 2, requiresGrad: true);
        var g = M(G1);
        leaf.AddGrad(g);
        Assert.NotSame(g, leaf.Grad);
        g[0, 0] = 100; // the caller's matrix is the caller's
        Assert.Equal(G1, leaf.Grad!.ToArray());
        var buffer = leaf.Grad;
        leaf.AddGrad(M(G2));
        Assert.Same(buffer, leaf.Grad); // accumulated in place
        Assert.Equal(G12, leaf.Grad!.ToArray());
    }

    [Fact]
    public void AddGradOnAnIntermediateSharesTheFirstGradientAndCopiesOnWrite()
    {
        var t = Intermediate();
        var g1 = M(G1);
        t.AddGrad(g1);
        Assert.Same(g1, t.Grad); // kept as it is: most intermediates receive one gradient only
        var g2 = M(G2);
        t.AddGrad(g2);
        Assert.NotSame(g1, t.Grad);
        Assert.NotSame(g2, t.Grad);
        Assert.Equal(G12, t.Grad!.ToArray());
        Assert.Equal(G1, g1.ToArray()); // the shared matrix was not written
        Assert.Equal(G2, g2.ToArray());
        var own = t.Grad;
        t.AddGrad(M(G1));
        Assert.Same(own, t.Grad); // now its own: added in place
        Assert.Equal(new double[,] { { 12, 24 }, { 36, 48 } }, t.Grad!.ToArray());
    }

    [Fact]
    public void AddGradOwnedKeepsTheMatrixWithoutACopyAndThenAddsInPlace()
    {
        var leaf = Tensor.Zeros(2, 2, requiresGrad: true);
        var g = M(G1);
        leaf.AddGradOwned(g);
        Assert.Same(g, leaf.Grad);
        leaf.AddGradOwned(M(G2));
        Assert.Same(g, leaf.Grad);
        Assert.Equal(G12, g.ToArray());
    }

    [Fact]
    public void AddGradOwnedOntoASharedGradientAddsIntoTheOwnedMatrixAndLeavesTheSharedOneAlone()
    {
        var t = Intermediate();
        var shared = M(G1);
        t.AddGrad(shared);
        var owned = M(G2);
        t.AddGradOwned(owned);
        Assert.Same(owned, t.Grad);
        Assert.Equal(G12, t.Grad!.ToArray());
        Assert.Equal(G1, shared.ToArray());
        t.AddGrad(M(G1)); // no longer shared: in place
        Assert.Same(owned, t.Grad);
        Assert.Equal(new double[,] { { 12, 24 }, { 36, 48 } }, owned.ToArray());
    }

    [Fact]
    public void TensorsThatNeedNoGradientIgnoreGradients()
    {
        var c = Tensor.Zeros(2, 2);
        c.AddGrad(M(G1));
        c.AddGradOwned(M(G2));
        Assert.Null(c.Grad);
    }

    [Fact]
    public void GradBufferIsZerosWhenAbsentAndACopyWhenShared()
    {
        var leaf = Tensor.Zeros(2, 3, requiresGrad: true);
        var buffer = leaf.GradBuffer();
        Assert.Same(buffer, leaf.Grad);
        Assert.Equal(new double[2, 3], buffer.ToArray());
        Assert.Same(buffer, leaf.GradBuffer());

        var t = Intermediate();
        var shared = M(G1);
        t.AddGrad(shared);
        var own = t.GradBuffer();
        Assert.NotSame(shared, own);
        own[0, 0] = -1;
        Assert.Equal(G1, shared.ToArray());
    }

    [Fact]
    public void ScaleGradScalesInPlaceAndCopiesASharedGradientFirst()
    {
        var leaf = Tensor.Zeros(2, 2, requiresGrad: true);
        leaf.ScaleGrad(3); // no gradient yet: stays absent
        Assert.Null(leaf.Grad);
        leaf.AddGrad(M(G1));
        var buffer = leaf.Grad;
        leaf.ScaleGrad(0.5);
        Assert.Same(buffer, leaf.Grad);
        Assert.Equal(new double[,] { { 0.5, 1 }, { 1.5, 2 } }, leaf.Grad!.ToArray());

        var t = Intermediate();
        var shared = M(G1);
        t.AddGrad(shared);
        t.ScaleGrad(10);
        Assert.Equal(G2, t.Grad!.ToArray());
        Assert.Equal(G1, shared.ToArray());
    }

    [Fact]
    public void ZeroGradClearsAnOwnBufferInPlaceAndReplacesASharedOne()
    {
        var leaf = Tensor.Zeros(2, 2, requiresGrad: true);
        leaf.ZeroGrad(); // nothing to clear
        Assert.Null(leaf.Grad);

        var t = Intermediate();
        var shared = M(G1);
        t.AddGrad(shared);
        t.ZeroGrad();
        Assert.NotSame(shared, t.Grad);
        Assert.Equal(new double[2, 2], t.Grad!.ToArray());
        Assert.Equal(G1, shared.ToArray());
        var zeros = t.Grad;
        t.AddGrad(M(G2)); // the new zeros are its own: added in place
        Assert.Same(zeros, t.Grad);
        Assert.Equal(G2, t.Grad!.ToArray());
    }

    [Fact]
    public void BothInputsOfASumReceiveItsGradientAndStayIndependent()
    {
        var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var x = a.AddScalar(0);
        var y = a.AddScalar(0);
        var s = x + y;
        s.Backward(M(G1));
        Assert.Equal(G1, x.Grad!.ToArray());
        Assert.Equal(G1, y.Grad!.ToArray());
        Assert.Equal(new double[,] { { 2, 4 }, { 6, 8 } }, a.Grad!.ToArray());
    }

    public static TheoryData<int, int, int, int> AddShapes => new()
    {
        { 3, 5, 3, 5 }, // equal shapes (residual connections): the fast path
        { 7, 3, 1, 3 }, // a bias row: the fast path
        { 1, 3, 1, 3 }, // one row plus one row: equal shapes
        { 4, 3, 4, 1 }, // a column: the general broadcasting path on both settings
        { 4, 3, 1, 1 }, // a scalar: the general path
    };

    [Theory]
    [MemberData(nameof(AddShapes))]
    public void FastAddAndSubEqualTheReadableOnes(int rows, int cols, int bRows, int bCols)
    {
        foreach (var sub in new[] { false, true })
        {
            BothPaths.AssertSameNumbers($"{(sub ? "Sub" : "Add")} {rows}×{cols} and {bRows}×{bCols}", () =>
            {
                var rng = new Rng((ulong)(rows * 1000 + cols * 100 + bRows * 10 + bCols));
                var a = Tensor.Randn(rows, cols, rng, requiresGrad: true);
                var b = Tensor.Randn(bRows, bCols, rng, requiresGrad: true);
                return (sub ? a - b : a + b, [a, b]);
            });
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddAndSubAreRightByHandOnBothPaths(bool fused)
    {
        using (KernelSwitch.Use(fused))
        {
            var a = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, requiresGrad: true);
            var bias = Tensor.FromArray(new double[,] { { 10, 20 } }, requiresGrad: true);
            Assert.Equal(new double[,] { { 11, 22 }, { 13, 24 }, { 15, 26 } }, (a + bias).Data.ToArray());
            var d = a - bias;
            Assert.Equal(new double[,] { { -9, -18 }, { -7, -16 }, { -5, -14 } }, d.Data.ToArray());
            d.Backward(M(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }));
            Assert.Equal(new double[,] { { -9, -12 } }, bias.Grad!.ToArray());
            Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, a.Grad!.ToArray());
            Assert.Equal("Sub", d.Op);
        }
    }

    [Fact]
    public void FastAddPassesGradientChecks()
    {
        var rng = new Rng(99);
        var a = Gen.Param(5, 3, rng, "a");
        var b = Gen.Param(5, 3, rng, "b");
        var bias = Gen.Param(1, 3, rng, "bias");
        using (KernelSwitch.Use(fused: true))
        {
            Expect.Gradients(() => a + b - bias, a, b, bias);
            Expect.Gradients(() => (a - b) * 2.0 + a, a, b);
        }
    }
}
