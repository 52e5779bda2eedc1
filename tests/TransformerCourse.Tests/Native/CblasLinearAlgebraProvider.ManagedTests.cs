using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace TransformerCourse.Tests.Native;

/// <summary>
/// The operations <see cref="CblasLinearAlgebraProvider"/> forwards to MathNet's managed provider: hand-computed
/// results, agreement with the managed provider, and no native call made for them.
/// </summary>
[Trait("Category", "Native")]
public class CblasLinearAlgebraProviderManagedTests
{
    static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    [NativeFact]
    public void DoubleElementwiseOperationsAndNormsAreTheManagedOnes()
    {
        var provider = NativeBlas.Provider();
        ILinearAlgebraProvider<double> p = provider;
        double[] x = [1, -2, 3, 4], y = [2, 4, -1, 8];
        var result = new double[4];
        p.AddArrays(x, y, result);
        Assert.Equal([3, 2, 2, 12], result);
        p.SubtractArrays(x, y, result);
        Assert.Equal([-1, -6, 4, -4], result);
        p.PointWiseMultiplyArrays(x, y, result);
        Assert.Equal([2, -8, -3, 32], result);
        p.PointWiseDivideArrays(x, y, result);
        Assert.Equal([0.5, -0.5, -3, 0.5], result);
        // x as a 2×2 column-major matrix [1 3; -2 4]: Frobenius √30, max-column-sum 7, max-row-sum 6.
        Assert.Equal(Math.Sqrt(30), p.MatrixNorm(Norm.FrobeniusNorm, 2, 2, x), 12);
        Assert.Equal(7, p.MatrixNorm(Norm.OneNorm, 2, 2, x));
        Assert.Equal(6, p.MatrixNorm(Norm.InfinityNorm, 2, 2, x));
        Assert.Equal(0, provider.NativeCalls);
    }

    [NativeFact]
    public void DoubleFactorizationsAndSolvesAreTheManagedOnes()
    {
        var provider = NativeBlas.Provider();
        ILinearAlgebraProvider<double> p = provider;
        // [2 1; 1 3] x = [3; 5] → x = [0.8; 1.4].
        double[] a = [2, 1, 1, 3], b = [3, 5];
        p.LUSolve(1, (double[])a.Clone(), 2, b);
        Compare.Close([0.8, 1.4], b, 1e-15, "LU solve");
        double[] c = [3, 5];
        p.CholeskySolve((double[])a.Clone(), 2, c, 1);
        Compare.Close([0.8, 1.4], c, 1e-15, "Cholesky solve");

        // [4 2; 2 3] = L Lᵀ with L = [2 0; 1 √2].
        double[] spd = [4, 2, 2, 3];
        p.CholeskyFactor(spd, 2);
        Compare.Close([2, 1, 0, Math.Sqrt(2)], spd, 1e-15, "Cholesky factor");

        var rng = new Random(5);
        var m = Compare.Random(rng, 12);
        var (sExpected, uExpected, vtExpected) = (new double[3], new double[16], new double[9]);
        Managed.SingularValueDecomposition(true, (double[])m.Clone(), 4, 3, sExpected, uExpected, vtExpected);
        var (s, u, vt) = (new double[3], new double[16], new double[9]);
        p.SingularValueDecomposition(true, (double[])m.Clone(), 4, 3, s, u, vt);
        Compare.Close(sExpected, s, 0, "singular values");
        Compare.Close(vtExpected, vt, 0, "Vᵀ");
        Assert.Equal(0, provider.NativeCalls);
    }

    [NativeFact]
    public void SinglePrecisionBLAS1IsTheManagedOne()
    {
        var provider = NativeBlas.Provider();
        ILinearAlgebraProvider<float> p = provider;
        float[] x = [1, 2, 3], y = [4, 5, 6];
        Assert.Equal(32f, p.DotProduct(x, y));
        var result = new float[3];
        p.AddVectorToScaledVector(y, 2f, x, result);
        Assert.Equal([6f, 9f, 12f], result);
        p.ScaleArray(-0.5f, x, result);
        Assert.Equal([-0.5f, -1f, -1.5f], result);
        Assert.Equal(0, provider.NativeCalls);
    }

    [NativeFact]
    public void ComplexProductsAreTheManagedOnes()
    {
        var provider = NativeBlas.Provider();
        ILinearAlgebraProvider<Complex> p = provider;
        // [1+i  2] · [1−i; i] = (1+i)(1−i) + 2i = 2 + 2i.
        Complex[] row = [new(1, 1), 2], column = [new(1, -1), Complex.ImaginaryOne];
        var product = new Complex[1];
        p.MatrixMultiply(row, 1, 2, column, 2, 1, product);
        Assert.Equal(new Complex(2, 2), product[0]);
        Assert.Equal(new Complex(2, 2), p.DotProduct(row, column));
        ILinearAlgebraProvider<Complex32> p32 = provider;
        Complex32[] conjugated = new Complex32[2];
        p32.ConjugateArray([new(1, 1), new(0, -2)], conjugated);
        Assert.Equal([new Complex32(1, -1), new Complex32(0, 2)], conjugated);
        Assert.Equal(0, provider.NativeCalls);
    }
}
