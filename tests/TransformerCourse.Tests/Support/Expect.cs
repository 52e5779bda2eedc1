using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using Xunit.Sdk;

namespace TransformerCourse.Tests.Support;

/// <summary>
/// Assertions shared by the tests: matrices close to a reference, gradient checks that pass. (Named so that it does
/// not clash with the library's <c>TransformerCourse.Checks.Check</c>, which notebooks use.)
/// </summary>
public static class Expect
{
    /// <summary>The tolerance every gradient check in the suite must meet (worst error of
    /// <see cref="GradCheck"/>).</summary>
    public const double GradTolerance = 1e-7;

    /// <summary>
    /// Asserts |expected − actual| ≤ tol element-wise (equal infinities count as equal), naming the worst element.
    /// </summary>
    public static void Close(Matrix<double> expected, Matrix<double> actual, double tol, string what = "matrix") =>
        Close(expected, actual, tol, what, relative: false);

    /// <summary>
    /// Asserts |expected − actual| ≤ tol·max(1, |expected|) element-wise: absolute for small values, relative for large
    /// ones (a log-probability of −2e4 is only known to an ulp of 3.6e-12).
    /// </summary>
    public static void CloseRelative(Matrix<double> expected, Matrix<double> actual, double tol,
        string what = "matrix") =>
        Close(expected, actual, tol, what, relative: true);

    private static void Close(Matrix<double> expected, Matrix<double> actual, double tol, string what, bool relative)
    {
        if (expected.RowCount != actual.RowCount || expected.ColumnCount != actual.ColumnCount)
            throw new XunitException(
                $"{what}: expected shape {expected.RowCount}×{expected.ColumnCount}, got " +
                $"{actual.RowCount}×{actual.ColumnCount}.");
        double worst = -1;
        int wr = 0, wc = 0;
        for (int i = 0; i < expected.RowCount; i++)
        {
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double e = expected[i, j], a = actual[i, j];
                double err = e == a ? 0 : Math.Abs(e - a) / (relative ? Math.Max(1, Math.Abs(e)) : 1);
                if (double.IsNaN(err)) err = double.PositiveInfinity;
                if (err > worst) (worst, wr, wc) = (err, i, j);
            }
        }
        if (worst > tol)
            throw new XunitException(
                $"{what}: worst {(relative ? "relative " : "")}|difference| {worst:E3} at [{wr},{wc}] (expected " +
                    $"{expected[wr, wc]:R}, got {actual[wr, wc]:R}); tolerance {tol:E1}.");
    }

    /// <summary>Asserts two vectors are within <paramref name="tol"/> element-wise.</summary>
    public static void Close(Vector<double> expected, Vector<double> actual, double tol, string what = "vector") =>
        Close(expected.ToRowMatrix(), actual.ToRowMatrix(), tol, what);

    /// <summary>The largest |entry| of a matrix (0 for an empty one).</summary>
    public static double MaxAbs(Matrix<double> m) => m.Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();

    /// <summary>Asserts two numbers are within <paramref name="tol"/>.</summary>
    public static void Close(double expected, double actual, double tol, string what = "value")
    {
        if (!(Math.Abs(expected - actual) <= tol) && expected != actual)
            throw new XunitException(
                $"{what}: expected {expected:R}, got {actual:R} (|difference| {Math.Abs(expected - actual):E3}, " +
                $"tolerance {tol:E1}).");
    }

    /// <summary>Runs <see cref="GradCheck.Check(Func{Tensor}, IReadOnlyList{Tensor}, double, int)"/> and asserts it
    /// passes at <see cref="GradTolerance"/>.</summary>
    public static GradCheckResult Gradients(Func<Tensor> f, params Tensor[] inputs)
    {
        var result = GradCheck.Check(f, inputs);
        if (!result.Passed(GradTolerance) || result.Checked == 0)
            throw new XunitException($"{result} exceeds {GradTolerance:E0}");
        return result;
    }

    /// <summary>
    /// Central finite differences of a scalar function of a matrix, (f(x + h eₖ) − f(x − h eₖ)) / 2h for every element,
    /// nudging <paramref name="x"/> in place and restoring it.
    /// </summary>
    public static Matrix<double> NumericGradient(Func<double> f, Matrix<double> x, double h = 1e-6)
    {
        var grad = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
        for (int i = 0; i < x.RowCount; i++)
        {
            for (int j = 0; j < x.ColumnCount; j++)
            {
                double orig = x[i, j];
                x[i, j] = orig + h;
                double plus = f();
                x[i, j] = orig - h;
                double minus = f();
                x[i, j] = orig;
                grad[i, j] = (plus - minus) / (2 * h);
            }
        }
        return grad;
    }

    /// <summary>Asserts that <paramref name="action"/> throws an <see cref="ArgumentException"/> whose message
    /// contains every fragment.</summary>
    public static ArgumentException ThrowsArgument(Action action, params string[] fragments)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(action);
        foreach (var f in fragments)
        {
            if (!ex.Message.Contains(f, StringComparison.Ordinal))
                throw new XunitException($"The message \"{ex.Message}\" does not contain \"{f}\".");
        }
        return ex;
    }
}

/// <summary>Seeded random shapes and values for the gradient checks.</summary>
public static class Gen
{
    /// <summary>Edge shapes (1×1, 1×n, n×1) plus <paramref name="random"/> random shapes up to 6×6, from
    /// <paramref name="seed"/>.</summary>
    public static IEnumerable<(int Rows, int Cols)> Shapes(ulong seed, int random = 3)
    {
        yield return (1, 1);
        yield return (1, 5);
        yield return (4, 1);
        var rng = new Rng(seed);
        for (int i = 0; i < random; i++) yield return (rng.Next(2, 7), rng.Next(2, 7));
    }

    /// <summary>A parameter of N(0, 1) values.</summary>
    public static Tensor Param(int rows, int cols, Rng rng, string? name = null)
    {
        var t = Tensor.Randn(rows, cols, rng, requiresGrad: true);
        t.Name = name;
        return t;
    }

    /// <summary>A parameter of values in ±[low, high] with random signs (kept away from 0, for
    /// division and kinks).</summary>
    public static Tensor AwayFromZero(int rows, int cols, Rng rng, double low = 0.5,
        double high = 2.0, string? name = null)
    {
        var t = Tensor.Rand(rows, cols, rng, low, high, requiresGrad: true);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (rng.NextDouble() < 0.5) t.Data[i, j] = -t.Data[i, j];
        t.Name = name;
        return t;
    }

    /// <summary>A parameter of values in [low, high].</summary>
    public static Tensor Positive(int rows, int cols, Rng rng, double low = 0.5, double high = 2.0, string? name = null)
    {
        var t = Tensor.Rand(rows, cols, rng, low, high, requiresGrad: true);
        t.Name = name;
        return t;
    }
}
