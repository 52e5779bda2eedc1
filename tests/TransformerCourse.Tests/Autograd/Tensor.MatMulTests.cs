using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

public class TensorMatMulTests
{
    /// <summary>(m, k, n) triples: vectors, outer and inner products, and seeded random sizes.</summary>
    private static IEnumerable<(int M, int K, int N)> Sizes()
    {
        yield return (1, 1, 1);
        yield return (1, 4, 1); // inner product
        yield return (3, 1, 4); // outer product
        yield return (1, 3, 5);
        yield return (5, 3, 1);
        var rng = new Rng(20);
        for (int i = 0; i < 3; i++) yield return (rng.Next(2, 7), rng.Next(2, 7), rng.Next(2, 7));
    }

    private static Tensor Operand(int rows, int cols, bool transposed, Rng rng, string name) =>
        transposed ? Gen.Param(cols, rows, rng, name) : Gen.Param(rows, cols, rng, name);

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gradients(bool ta, bool tb)
    {
        var rng = new Rng(21);
        foreach (var (m, k, n) in Sizes())
        {
            var a = Operand(m, k, ta, rng, "a");
            var b = Operand(k, n, tb, rng, "b");
            Expect.Gradients(() => a.MatMul(b, ta, tb), a, b);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ValuesMatchTripleLoop(bool ta, bool tb)
    {
        var rng = new Rng(22);
        foreach (var (m, k, n) in Sizes())
        {
            var a = Operand(m, k, ta, rng, "a");
            var b = Operand(k, n, tb, rng, "b");
            var c = a.MatMul(b, ta, tb);
            Assert.Equal((m, n), (c.Rows, c.Cols));
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int p = 0; p < k; p++) s += (ta ? a.Data[p, i] : a.Data[i, p]) * (tb
                        ? b.Data[j, p] : b.Data[p, j]);
                    Expect.Close(s, c.Data[i, j], 1e-12, $"C[{i},{j}]");
                }
            }
        }
    }

    [Fact]
    public void SameTensorOnBothSides()
    {
        // Gram matrices X·Xᵀ and Xᵀ·X (as in Q·Kᵀ with Q = K): both gradient paths land in one buffer.
        var x = Gen.Param(4, 3, new Rng(23), "x");
        Expect.Gradients(() => x.MatMul(x, transposeOther: true), x);
        Expect.Gradients(() => x.MatMul(x, transposeThis: true), x);
    }

    [Fact]
    public void GradientAccumulatesWithOtherUses()
    {
        var rng = new Rng(24);
        var a = Gen.Param(3, 4, rng, "a");
        var b = Gen.Param(4, 2, rng, "b");
        Expect.Gradients(() => a.MatMul(b).Sum().Add(a.Square().Sum()), a, b);
    }

    [Fact]
    public void ChainOfProductsAndTranspose()
    {
        var rng = new Rng(25);
        var x = Gen.Param(5, 3, rng, "x");
        var w1 = Gen.Param(4, 3, rng, "w1");
        var w2 = Gen.Param(4, 2, rng, "w2");
        Expect.Gradients(() => x.MatMul(w1, transposeOther: true).Tanh().MatMul(w2).T(), x, w1, w2);
    }
}
