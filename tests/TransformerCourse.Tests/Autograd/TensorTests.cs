using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

/// <summary>How back-propagation walks the graph: accumulation, shared nodes, no-grad scopes.</summary>
public class TensorTests
{
    [Fact]
    public void ReusedIntermediateGetsTheSumOfItsGradients()
    {
        var rng = new Rng(90);
        var x = Gen.Param(3, 3, rng, "x");
        Expect.Gradients(() =>
        {
            var y = x.Tanh();
            return y.Mul(y).Add(y.MatMul(y)).Sum().Add(y.Mean());
        }, x);
    }

    [Fact]
    public void LeafGradientsAccumulateAcrossBackwardCalls()
    {
        // d/dx Σ 2x = 2 everywhere; two backward passes over fresh graphs give 4 (as PyTorch's .grad accumulates).
        var x = Tensor.Zeros(2, 2, requiresGrad: true);
        x.Scale(2).Sum().Backward();
        x.Scale(2).Sum().Backward();
        Assert.All(x.Grad!.Enumerate(), g => Assert.Equal(4.0, g));
    }

    [Fact]
    public void BackwardTwiceOverTheSameGraphAddsTheGradientOnce()
    {
        // PyTorch (retain_graph=True): each backward adds ∂loss/∂x once, so two calls give exactly twice the gradient.
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var loss = x.Scale(2).Square().Sum(); // ∂/∂x = 8x
        loss.Backward();
        Assert.Equal(new double[,] { { 8, 16 }, { 24, 32 } }, x.Grad!.ToArray());
        loss.Backward();
        Assert.Equal(new double[,] { { 16, 32 }, { 48, 64 } }, x.Grad!.ToArray());
    }

    [Fact]
    public void TwoLossesSharingAnIntermediate()
    {
        // h is used by both losses; back-propagating each in turn gives each leaf the sum of both gradients.
        var rng = new Rng(91);
        var x = Gen.Param(2, 3, rng, "x");
        var w = Gen.Param(3, 3, rng, "w");
        var h = x.MatMul(w).Tanh();
        var loss1 = h.Sum();
        var loss2 = h.Square().Mean();
        loss1.Backward();
        loss2.Backward();

        Matrix<double> Fresh(Func<Tensor, Tensor> loss)
        {
            w.Grad = null;
            loss(x.MatMul(w).Tanh()).Backward();
            return w.Grad!.Clone();
        }
        var combined = w.Grad!.Clone();
        var expected = Fresh(t => t.Sum()) + Fresh(t => t.Square().Mean());
        Expect.Close(expected, combined, 1e-15, "w.Grad");
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        var x = Tensor.Ones(2, 2, requiresGrad: true);
        Assert.True(Tensor.IsGradEnabled);
        using (Tensor.NoGrad())
        {
            Assert.False(Tensor.IsGradEnabled);
            using (Tensor.NoGrad()) Assert.False(x.Square().RequiresGrad);
            var y = x.Square().Sum();
            Assert.False(y.RequiresGrad);
            Assert.Equal(4.0, y.Item());
            Assert.Throws<InvalidOperationException>(() => y.Backward());
        }
        Assert.True(Tensor.IsGradEnabled);
        Assert.True(x.Square().RequiresGrad);
    }

    [Fact]
    public void DetachStopsTheGradient()
    {
        var x = Tensor.FromArray(new double[,] { { 3 } }, requiresGrad: true);
        x.Mul(x.Detach()).Sum().Backward(); // d/dx (x · const) = const = 3
        Assert.Equal(3.0, x.Grad![0, 0]);
        Assert.False(x.Detach().RequiresGrad);
        Assert.Same(x.Data, x.Detach().Data);
    }

    [Fact]
    public void ConstantsGetNoGradient()
    {
        var x = Tensor.Ones(2, 2, requiresGrad: true);
        var c = Tensor.Ones(2, 2);
        x.Mul(c).Sum().Backward();
        Assert.Null(c.Grad);
        Assert.NotNull(x.Grad);
        Assert.False(c.Mul(c).RequiresGrad);
    }

    [Fact]
    public void ZeroGradKeepsTheBuffer()
    {
        var x = Tensor.Ones(2, 2, requiresGrad: true);
        x.Sum().Backward();
        var buffer = x.Grad;
        x.ZeroGrad();
        Assert.Same(buffer, x.Grad);
        Assert.Equal(0.0, Expect.MaxAbs(x.Grad!));
    }

    [Fact]
    public void DeepGraphDoesNotOverflowTheStack()
    {
        var x = Tensor.Scalar(0.0, requiresGrad: true);
        var y = x;
        for (int i = 0; i < 20000; i++) y = y.AddScalar(1e-4);
        y.Backward();
        Assert.Equal(1.0, x.Grad![0, 0]);
        Expect.Close(2.0, y.Item(), 1e-10);
    }

    [Fact]
    public void BackwardWithASeed()
    {
        var x = Tensor.FromArray(new double[,] { { 1, 2 } }, requiresGrad: true);
        x.Square().Backward(Matrix<double>.Build.DenseOfArray(new double[,] { { 10, 100 } }));
        Assert.Equal(new double[,] { { 20, 400 } }, x.Grad!.ToArray());
    }

    [Fact]
    public void ConstructionHelpers()
    {
        Assert.Equal("2×3", Tensor.Zeros(2, 3).Shape);
        Assert.Equal(6.0, Tensor.Ones(2, 3).Sum().Item());
        Assert.Equal(new double[,] { { 1, 2 }, { 3, 4 } }, Tensor.FromRows([[1, 2], [3, 4]]).ToArray());
        Assert.Equal(new double[,] { { 7, 8, 9 } }, Tensor.Row(7, 8, 9).ToArray());
        Assert.Equal(5.0, Tensor.Scalar(5).Item());
        Assert.True(Tensor.Parameter(Tensor.Ones(1, 1).Data, "p").RequiresGrad);
        Assert.Equal("p", Tensor.Parameter(Tensor.Ones(1, 1).Data, "p").Name);
        Assert.False(Tensor.Constant(Tensor.Ones(1, 1).Data).RequiresGrad);
        Assert.Equal(2.5, Tensor.FromArray(new double[,] { { 1, 2.5 } })[0, 1]);
        Assert.Contains("2×3", Tensor.Zeros(2, 3).ToString());
    }

    [Fact]
    public void RandomTensorsAreFilledRowMajorFromTheGenerator()
    {
        // Row-major filling means a 2×3 tensor holds the first six draws in reading order (as PyTorch's randn would).
        var t = Tensor.Rand(2, 3, new Rng(92));
        var rng = new Rng(92);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(rng.NextDouble(), t.Data[i, j]);

        var n = Tensor.Randn(2, 2, new Rng(93), std: 3);
        var g = new Rng(93);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(3 * g.NextGaussian(), n.Data[i, j]);
    }

    // ---- shared gradients: an intermediate keeps the gradient it receives without a copy; it
    // is copied before it is added to.

    [Fact]
    public void SharedGradientsAreCopiedBeforeTheyAreAddedTo()
    {
        // y = tanh(x) gets its gradient three times: twice from y + y (the sum's gradient, shared), once from a product
        // and once from a matrix product that accumulates straight into its buffer. Checked against finite differences.
        var rng = new Rng(92);
        var x = Gen.Param(5, 3, rng, "x");
        var w = Gen.Param(3, 3, rng, "w");
        Expect.Gradients(() =>
        {
            var y = x.Tanh();
            return (y + y).Mul(y).Sum().Add(y.MatMul(w).Sum());
        }, x, w);
    }

    [Fact]
    public void IntermediateGradientsByHand()
    {
        // loss = Σ(a + b) + Σ 5a with a = 2x, b = 3x: ∂loss/∂s = ∂loss/∂b = 1, ∂loss/∂a = 1
        // + 5, ∂loss/∂x = 2·6 + 3·1 = 15.
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var a = x.Scale(2);
        var b = x.Scale(3);
        var s = a + b;
        s.Sum().Add(a.Scale(5).Sum()).Backward();
        Assert.All(s.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
        Assert.All(b.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
        Assert.All(a.Grad!.Enumerate(), g => Assert.Equal(6.0, g));
        Assert.All(x.Grad!.Enumerate(), g => Assert.Equal(15.0, g));

        // b shares s's gradient: zeroing b's leaves s's alone.
        b.ZeroGrad();
        Assert.All(b.Grad!.Enumerate(), g => Assert.Equal(0.0, g));
        Assert.All(s.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AGradientSharedByTwoTensorsIsNotChangedThroughEitherOfThem(bool swap)
    {
        // y = 2x, z = 3x, w = 5x. y + z gives y and z the same gradient matrix; y then also receives the gradient of
        // y + w (added with AddGrad) and of y·W (accumulated in place by the matrix product). Neither may reach z's.
        // By hand: ∂loss/∂y = 1 + 1 + rowsums(W) = [2 + 3, 2 + 7] per column, so ∂loss/∂x
        // = 2·[5, 9] + 3 + 5 = [18, 26].
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var w = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var y = x.Scale(2);
        var z = x.Scale(3);
        var s = y + z;
        var terms = new[] { s.Sum(), (y + x.Scale(5)).Sum(), y.MatMul(w).Sum() };
        if (swap) Array.Reverse(terms);
        terms[0].Add(terms[1]).Add(terms[2]).Backward();
        Assert.Equal(new double[,] { { 18, 26 }, { 18, 26 } }, x.Grad!.ToArray());
        Assert.All(s.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
        Assert.All(z.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
        Assert.Equal(new double[,] { { 5, 9 }, { 5, 9 } }, y.Grad!.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AMatrixProductDoesNotWriteIntoASharedGradient(bool swap)
    {
        // As above without y + w: y's gradient may be the one it shares with z when the product accumulates into it.
        // ∂loss/∂y = 1 + rowsums(W) = [4, 8], ∂loss/∂x = 2·[4, 8] + 3 = [11, 19].
        var x = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } }, requiresGrad: true);
        var w = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var y = x.Scale(2);
        var z = x.Scale(3);
        var s = y + z;
        var loss = swap ? s.Sum().Add(y.MatMul(w).Sum()) : y.MatMul(w).Sum().Add(s.Sum());
        loss.Backward();
        Assert.Equal(new double[,] { { 11, 19 }, { 11, 19 } }, x.Grad!.ToArray());
        Assert.All(z.Grad!.Enumerate(), g => Assert.Equal(1.0, g));
    }

    [Fact]
    public void BackwardLeavesTheSeedAsItWas()
    {
        // r = y + y with y = 3x: ∂r/∂x = 6 per entry, so x.Grad = 6·seed; the seed itself is not written to.
        var x = Tensor.FromArray(new double[,] { { 1, 2, 3 } }, requiresGrad: true);
        var y = x.Scale(3);
        var r = y + y;
        var seed = Tensor.Row(0.5, -1, 2).Data;
        r.Backward(seed);
        Assert.Equal(new double[,] { { 0.5, -1, 2 } }, seed.ToArray());
        Assert.Equal(new double[,] { { 3, -6, 12 } }, x.Grad!.ToArray());
        Assert.Equal(new double[,] { { 1, -2, 4 } }, y.Grad!.ToArray());
    }
}
