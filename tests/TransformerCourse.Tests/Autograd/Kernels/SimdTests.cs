using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>
/// Each SIMD loop against the plain scalar loop it replaces, on lengths around the vector width (the vector part,
/// the scalar tail, and both).
/// </summary>
public class SimdTests
{
    public static TheoryData<int> Lengths => new() { 0, 1, 3, 4, 7, 8, 17, 33 };

    private static double[] Random(int n, ulong seed, double low = -2, double high = 2)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => low + (high - low) * rng.NextDouble()).ToArray();
    }

    private static void Same(double[] expected, double[] actual, string what, double tol = 1e-15)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Expect.Close(expected[i], actual[i], tol, $"{what}[{i}]");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddAddScaledAddScalarAndScaleMatchTheScalarLoop(int n)
    {
        double[] x = Random(n, 1), y = Random(n, 2), z = new double[n];
        Simd.Add(x, y, z);
        Same(x.Select((v, i) => v + y[i]).ToArray(), z, "Add");
        Simd.AddScaled(x, -0.7, y, z);
        Same(x.Select((v, i) => v + -0.7 * y[i]).ToArray(), z, "AddScaled");
        Simd.AddScalar(x, 1.25, z);
        Same(x.Select(v => v + 1.25).ToArray(), z, "AddScalar");
        Simd.Scale(3.5, x, z);
        Same(x.Select(v => 3.5 * v).ToArray(), z, "Scale");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddWorksInPlace(int n)
    {
        double[] x = Random(n, 3), y = Random(n, 4);
        var expected = x.Select((v, i) => v + y[i]).ToArray();
        Simd.Add(x, y, x);
        Same(expected, x, "Add in place");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumAndDotMatchTheScalarLoop(int n)
    {
        double[] x = Random(n, 5), y = Random(n, 6);
        double sum = 0, dot = 0;
        for (int i = 0; i < n; i++)
        {
            sum += x[i];
            dot += x[i] * y[i];
        }
        Expect.Close(sum, Simd.Sum(x), 1e-13, "Sum"); // summed in another order: equal to rounding
        Expect.Close(dot, Simd.Dot(x, y), 1e-13, "Dot");
        if (n == 0)
        {
            Assert.Equal(0.0, Simd.Sum(x));
            Assert.Equal(0.0, Simd.Dot(x, y));
        }
    }

    [Fact]
    public void SumOfSmallIntegersIsExact()
    {
        var x = Enumerable.Range(1, 33).Select(i => (double)i).ToArray();
        Assert.Equal(33 * 34 / 2.0, Simd.Sum(x));
        Assert.Equal(Enumerable.Range(1, 33).Sum(i => i * i), Simd.Dot(x, x));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DivideIsATrueDivision(int n)
    {
        var x = Random(n, 7);
        var expected = x.Select(v => v / 3.0).ToArray();
        Simd.Divide(x, 3.0);
        Assert.Equal(expected, x); // bit for bit: a division, not a multiplication by 1/3
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LayerNormForwardLoopsMatchTheScalarLoop(int n)
    {
        double[] x = Random(n, 8), mean = Random(n, 9), acc = Random(n, 10, 0, 1);
        var expectedAcc = acc.Select((a, i) => a + (x[i] - mean[i]) * (x[i] - mean[i])).ToArray();
        Simd.AddSquaredDifference(x, mean, acc);
        Same(expectedAcc, acc, "AddSquaredDifference");

        var v = (double[])acc.Clone();
        Simd.InverseStd(v, 4.0, 1e-5);
        Same(acc.Select(a => 1.0 / Math.Sqrt(a / 4.0 + 1e-5)).ToArray(), v, "InverseStd", 1e-14);

        var xhat = new double[n];
        Simd.Normalize(x, mean, v, xhat);
        Same(x.Select((xi, i) => (xi - mean[i]) * v[i]).ToArray(), xhat, "Normalize");

        var y = new double[n];
        Simd.NormalizeAffine(x, mean, v, 1.5, -0.25, y);
        Same(x.Select((xi, i) => 1.5 * ((xi - mean[i]) * v[i]) - 0.25).ToArray(), y, "NormalizeAffine", 1e-14);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void LayerNormBackwardLoopsMatchTheScalarLoop(int n)
    {
        double[] g = Random(n, 11), xhat = Random(n, 12), m1 = Random(n, 13), m2 = Random(n, 14);
        double[] e1 = (double[])m1.Clone(), e2 = (double[])m2.Clone();
        for (int i = 0; i < n; i++)
        {
            e1[i] += g[i] * 0.8;
            e2[i] += g[i] * 0.8 * xhat[i];
        }
        Simd.AccumulateScaled(g, 0.8, xhat, m1, m2);
        Same(e1, m1, "AccumulateScaled m1", 1e-14);
        Same(e2, m2, "AccumulateScaled m2", 1e-14);

        var invStd = Random(n, 15, 0.5, 2);
        var dx = new double[n];
        Simd.LayerNormInputGradient(g, 0.8, xhat, m1, m2, invStd, dx);
        Same(g.Select((gi, i) => invStd[i] * (gi * 0.8 - m1[i] - xhat[i] * m2[i])).ToArray(), dx,
            "LayerNormInputGradient", 1e-14);
    }
}
