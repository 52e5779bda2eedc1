using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

public class FastGemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        // the last, 64×128×96, runs in parallel
        { 1, 1, 1 }, { 3, 5, 2 }, { 8, 4, 4 }, { 17, 9, 13 }, { 33, 65, 7 }, { 64, 128, 96 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SimdKernelMatchesTheTripleLoopForEveryTransposeAlphaAndBeta(int m, int k, int n)
    {
        Assert.True(FastGemm.UsesManagedKernel, "the tests run with MathNet's managed provider");
        var rng = new Rng((ulong)(m * 10000 + k * 100 + n));
        double[] Random(int count) => Enumerable.Range(0, count).Select(_ => rng.NextGaussian()).ToArray();
        foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
        {
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (0.7, 1.3) })
            {
                // Stored shapes: A is m×k (or k×m when transposed), B is k×n (or n×k).
                var a = Random(m * k);
                var b = Random(k * n);
                var c = Random(m * n);
                int aRows = ta ? k : m, bRows = tb ? n : k;
                double A(int i, int p) => ta ? a[p + i * aRows] : a[i + p * aRows];
                double B(int p, int j) => tb ? b[j + p * bRows] : b[p + j * bRows];
                var expected = new double[m * n];
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0;
                        for (int p = 0; p < k; p++) s += A(i, p) * B(p, j);
                        expected[i + j * m] = alpha * s + beta * c[i + j * m];
                    }
                FastGemm.Multiply(ta, tb, alpha, a, aRows, ta ? m : k, b, bRows, tb ? k : n, beta, c);
                for (int x = 0; x < c.Length; x++)
                    Expect.Close(expected[x], c[x], 1e-12 * (1 + Math.Abs(expected[x])),
                        $"C[{x % m},{x / m}] ({m}×{k}×{n}, transA={ta}, transB={tb}, β={beta})");
            }
        }
    }
}
