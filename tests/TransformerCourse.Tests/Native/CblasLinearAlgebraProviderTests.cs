using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// The CBLAS provider against MathNet's managed provider (the outside reference) on raw column-major
/// arrays: every shape, transpose and alpha/beta form must agree to 1e-12 relative.
/// </summary>
[Trait("Category", "Native")]
public class CblasLinearAlgebraProviderTests
{
    const double Tolerance = 1e-12;
    static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    // (m, k, n): op(A) is m×k, op(B) is k×n. Row and column vectors, non-square, odd sizes,
    // sizes past OpenBLAS's blocking, and the empty cases.
    static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (1, 7, 1), (1, 5, 9), (9, 5, 1), (6, 1, 4), (3, 4, 5), (17, 33, 9),
        (64, 64, 64), (100, 37, 250), (129, 130, 131), (1, 300, 1), (300, 1, 2),
        (0, 3, 4), (3, 0, 4), (3, 4, 0), (0, 0, 0),
    ];

    static readonly Transpose[] Ops = [Transpose.DontTranspose, Transpose.Transpose];

    // (alpha, beta): plain product, the general update, accumulate, alpha = 0 (only beta·C).
    static readonly (double Alpha, double Beta)[] Scalars = [(1, 0), (-0.7, 1.3), (2, 1), (0, 0.5)];

    public static TheoryData<int, int, int, Transpose, Transpose, double, double> GemmCases()
    {
        var data = new TheoryData<int, int, int, Transpose, Transpose, double, double>();
        foreach (var (m, k, n) in Shapes)
        foreach (var ta in Ops)
        foreach (var tb in Ops)
        foreach (var (alpha, beta) in Scalars)
            data.Add(m, k, n, ta, tb, alpha, beta);
        return data;
    }

    [NativeTheory]
    [MemberData(nameof(GemmCases))]
    public void DgemmMatchesManaged(int m, int k, int n, Transpose ta, Transpose tb, double alpha, double beta)
    {
        var rng = new Random(HashCode.Combine(m, k, n, ta, tb));
        // Stored shapes: A is m×k, or k×m when it is transposed by op; likewise B.
        var (rowsA, colsA) = ta == Transpose.DontTranspose ? (m, k) : (k, m);
        var (rowsB, colsB) = tb == Transpose.DontTranspose ? (k, n) : (n, k);
        var a = Compare.Random(rng, rowsA * colsA);
        var b = Compare.Random(rng, rowsB * colsB);
        var c0 = Compare.Random(rng, m * n);

        var expected = (double[])c0.Clone();
        Managed.MatrixMultiplyWithUpdate(ta, tb, alpha, a, rowsA, colsA, b, rowsB, colsB, beta, expected);
        var actual = (double[])c0.Clone();
        NativeBlas.Provider().MatrixMultiplyWithUpdate(ta, tb, alpha, a, rowsA, colsA, b, rowsB, colsB, beta, actual);

        Compare.Close(expected, actual, Tolerance, $"{m}×{k}·{k}×{n} {ta}/{tb} α={alpha} β={beta}");
    }

    [NativeTheory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 8, 3)]
    [InlineData(7, 1, 5)]
    [InlineData(33, 17, 65)]
    [InlineData(200, 150, 1)]
    [InlineData(0, 4, 3)]
    [InlineData(4, 0, 3)]
    public void MatrixMultiplyMatchesManaged(int m, int k, int n)
    {
        var rng = new Random(m * 10007 + k * 101 + n);
        var x = Compare.Random(rng, m * k);
        var y = Compare.Random(rng, k * n);
        var expected = new double[m * n];
        Managed.MatrixMultiply(x, m, k, y, k, n, expected);
        var actual = Compare.Random(rng, m * n); // garbage in the output must be overwritten
        NativeBlas.Provider().MatrixMultiply(x, m, k, y, k, n, actual);
        Compare.Close(expected, actual, Tolerance, $"{m}×{k}·{k}×{n}");
    }

    [NativeFact]
    public void DgemmHandComputedProductIsExact()
    {
        // A = [1 2 3; 4 5 6], B = [7 8; 9 10; 11 12], A·B = [58 64; 139 154] (column-major arrays).
        double[] a = [1, 4, 2, 5, 3, 6], b = [7, 9, 11, 8, 10, 12];
        var provider = NativeBlas.Provider();

        var c = new double[4];
        provider.MatrixMultiply(a, 2, 3, b, 3, 2, c);
        Assert.Equal([58, 139, 64, 154], c);

        // Aᵀ·A (3×3) = [17 22 27; 22 29 36; 27 36 45].
        var ata = new double[9];
        provider.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 1, a, 2, 3, a, 2, 3, 0, ata);
        Assert.Equal([17, 22, 27, 22, 29, 36, 27, 36, 45], ata);

        // A·Aᵀ (2×2) = [14 32; 32 77], then 2·A·Aᵀ − 1·(that) = A·Aᵀ again.
        var aat = new double[4];
        provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.Transpose, 1, a, 2, 3, a, 2, 3, 0, aat);
        Assert.Equal([14, 32, 32, 77], aat);
        provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.ConjugateTranspose, 2, a,
            2, 3, a, 2, 3, -1, aat);
        Assert.Equal([14, 32, 32, 77], aat);
    }

    [NativeFact]
    public void BetaZeroNeverReadsTheOldOutput()
    {
        var rng = new Random(7);
        var a = Compare.Random(rng, 12);
        var b = Compare.Random(rng, 20);
        var expected = new double[15];
        Managed.MatrixMultiply(a, 3, 4, b, 4, 5, expected);
        var c = Enumerable.Repeat(double.NaN, 15).ToArray();
        NativeBlas.Provider().MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1,
            a, 3, 4, b, 4, 5, 0, c);
        Compare.Close(expected, c, Tolerance, "β = 0 over a NaN-filled C");
    }

    [NativeTheory]
    [InlineData(1, 1, 1)]
    [InlineData(5, 3, 1)]
    [InlineData(64, 100, 33)]
    [InlineData(0, 2, 2)]
    public void SgemmMatchesManagedInSinglePrecision(int m, int k, int n)
    {
        var rng = new Random(m + 31 * k + 977 * n);
        foreach (var ta in Ops)
        foreach (var tb in Ops)
        {
            var (rowsA, colsA) = ta == Transpose.DontTranspose ? (m, k) : (k, m);
            var (rowsB, colsB) = tb == Transpose.DontTranspose ? (k, n) : (n, k);
            var a = Compare.Random(rng, rowsA * colsA).Select(v => (float)v).ToArray();
            var b = Compare.Random(rng, rowsB * colsB).Select(v => (float)v).ToArray();
            var c0 = Compare.Random(rng, m * n).Select(v => (float)v).ToArray();
            var expected = (float[])c0.Clone();
            Managed.MatrixMultiplyWithUpdate(ta, tb, 1.5f, a, rowsA, colsA, b, rowsB, colsB, 0.5f, expected);
            var actual = (float[])c0.Clone();
            NativeBlas.Provider().MatrixMultiplyWithUpdate(ta, tb, 1.5f, a, rowsA, colsA, b,
                rowsB, colsB, 0.5f, actual);
            Compare.Close(expected.Select(v => (double)v).ToArray(), actual.Select(v => (double)v).ToArray(), 1e-5,
                $"sgemm {m}×{k}·{k}×{n} {ta}/{tb}");
        }
    }

    [NativeFact]
    public void ShapesThatDoNotFitThrowWhatManagedThrowsAndNeverReachNativeCode()
    {
        var provider = NativeBlas.Provider();
        var six = new double[6];
        // Inner dimensions differ (2×3 · 2×3).
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.MatrixMultiply(six, 2, 3, six, 2, 3, new double[9]));
        // Array shorter than its stated shape.
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1, six, 3, 3,
                new double[9], 3, 3, 0, new double[9]));
        // Output of the wrong size.
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            provider.MatrixMultiplyWithUpdate(Transpose.Transpose, Transpose.DontTranspose, 1, six, 2, 3, six,
                2, 3, 0, new double[4]));
        Assert.Throws<ArgumentNullException>(() => provider.MatrixMultiply(null!, 0, 0, six, 0, 0, six));
        Assert.Throws<ArgumentException>(() => provider.DotProduct(six, new double[5]));
        Assert.Throws<ArgumentException>(() => provider.AddVectorToScaledVector(six, 2, new double[5], six));
        Assert.Equal(0, provider.NativeCalls);
    }

    [NativeTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(10_000)]
    public void Blas1OperationsMatchManaged(int length)
    {
        var rng = new Random(length + 3);
        var x = Compare.Random(rng, length);
        var y = Compare.Random(rng, length);
        var provider = NativeBlas.Provider();

        // dot: relative to Σ|x||y|, the scale of its rounding error.
        var scale = Math.Max(1, x.Zip(y, (p, q) => Math.Abs(p * q)).Sum());
        Assert.True(Math.Abs(Managed.DotProduct(x, y) - provider.DotProduct(x, y)) <= Tolerance * scale, "dot");

        foreach (var alpha in new[] { 0.0, 1.0, -2.5 })
        {
            // axpy into a third array, into y itself, and into x (which must not be clobbered first).
            var expected = new double[length];
            Managed.AddVectorToScaledVector(y, alpha, x, expected);
            var result = new double[length];
            provider.AddVectorToScaledVector(y, alpha, x, result);
            Compare.Close(expected, result, Tolerance, $"axpy α={alpha}");
            var yy = (double[])y.Clone();
            provider.AddVectorToScaledVector(yy, alpha, x, yy);
            Compare.Close(expected, yy, Tolerance, $"axpy in place α={alpha}");
            var xx = (double[])x.Clone();
            provider.AddVectorToScaledVector(y, alpha, xx, xx);
            Compare.Close(expected, xx, Tolerance, $"axpy into x α={alpha}");

            // scal into a third array and in place.
            var scaled = new double[length];
            Managed.ScaleArray(alpha, x, scaled);
            var ours = new double[length];
            provider.ScaleArray(alpha, x, ours);
            Compare.Close(scaled, ours, Tolerance, $"scal α={alpha}");
            var inPlace = (double[])x.Clone();
            provider.ScaleArray(alpha, inPlace, inPlace);
            Compare.Close(scaled, inPlace, Tolerance, $"scal in place α={alpha}");
        }
        // y and x are inputs: untouched.
        Assert.Equal(Compare.Random(new Random(length + 3), length), x);
    }

    [NativeFact]
    public void ProductsGoToNativeCodeAndOtherOperationsStayManaged()
    {
        var provider = NativeBlas.Provider();
        ILinearAlgebraProvider asInterface = provider;
        var a = new double[] { 4, 2, 2, 3 }; // symmetric positive definite 2×2

        asInterface.MatrixMultiply(a, 2, 2, a, 2, 2, new double[4]);
        Assert.Equal(1, provider.NativeCalls);

        // Cholesky is not a CBLAS routine: the managed code answers, with MathNet's result.
        var ours = (double[])a.Clone();
        asInterface.CholeskyFactor(ours, 2);
        var managed = (double[])a.Clone();
        Managed.CholeskyFactor(managed, 2);
        Assert.Equal(managed, ours);
        Assert.Equal(1, provider.NativeCalls);
        Assert.True(provider.IsAvailable());
        Assert.Contains(provider.LibraryFamily, provider.ToString());
    }
}
