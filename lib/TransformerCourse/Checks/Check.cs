using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Checks;

/// <summary>
/// Checks for notebook exercises. A check cell calls one of these with the exercise id, a function that runs
/// the learner's code, and the expected answer. The check prints one line — <c>✔ Exercise 00.1: …</c> or
/// <c>✘ Exercise 00.1: expected …, got …</c> — records the result in <see cref="Results"/>, and never throws:
/// an exercise stub that still throws <see cref="NotImplementedException"/> is a readable failure, not a crash.
/// </summary>
/// <remarks>
/// The headless runner (<c>course check</c>) collects results through an <see cref="AppDomain"/> data slot named
/// <see cref="SinkKey"/> that holds an <c>Action&lt;string, bool, string&gt;</c> (exercise, passed, message).
/// </remarks>
public static class Check
{
    /// <summary>The <see cref="AppDomain"/> data slot where a runner may put an <c>Action&lt;string, bool, string&gt;</c> to receive every result.</summary>
    public const string SinkKey = "TransformerCourse.Checks.Sink";

    private static readonly List<CheckResult> results = [];

    /// <summary>Every check run so far in this process, oldest first.</summary>
    public static IReadOnlyList<CheckResult> Results
    {
        get { lock (results) return results.ToArray(); }
    }

    /// <summary>
    /// Checks a matrix answer: same shape as <paramref name="expected"/> and every entry within
    /// <paramref name="tolerance"/>, i.e. max_ij |actual_ij − expected_ij| ≤ tolerance.
    /// </summary>
    /// <param name="exercise">Exercise id, e.g. <c>"00.2"</c>.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    /// <returns>The recorded result.</returns>
    public static CheckResult Close(string exercise, Func<Matrix<double>?> compute, Matrix<double> expected, double tolerance = 1e-9) =>
        Run(exercise, compute, actual =>
        {
            if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
                return (false, $"expected a {Shape(expected)} matrix, got {Shape(actual)}: {Show(actual)}");
            var diff = (actual - expected).Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
            return diff <= tolerance && !double.IsNaN(diff)
                ? (true, $"got the expected {Shape(expected)} matrix {Show(expected)}")
                : (false, $"expected {Show(expected)}, got {Show(actual)}; max |difference| {Num(diff)} > {Num(tolerance)}");
        });

    /// <summary>
    /// Checks a vector answer: same length as <paramref name="expected"/> and every entry within
    /// <paramref name="tolerance"/>, i.e. max_i |actual_i − expected_i| ≤ tolerance.
    /// </summary>
    /// <param name="exercise">Exercise id, e.g. <c>"00.1"</c>.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    /// <returns>The recorded result.</returns>
    public static CheckResult Close(string exercise, Func<Vector<double>?> compute, Vector<double> expected, double tolerance = 1e-9) =>
        Run(exercise, compute, actual =>
        {
            if (actual.Count != expected.Count)
                return (false, $"expected a vector of length {expected.Count}, got length {actual.Count}: {Show(actual)}");
            var diff = (actual - expected).Enumerate().Select(Math.Abs).DefaultIfEmpty(0).Max();
            return diff <= tolerance && !double.IsNaN(diff)
                ? (true, $"got the expected vector {Show(expected)}")
                : (false, $"expected {Show(expected)}, got {Show(actual)}; max |difference| {Num(diff)} > {Num(tolerance)}");
        });

    /// <summary>Checks a number: |actual − expected| ≤ <paramref name="tolerance"/>.</summary>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference.</param>
    /// <returns>The recorded result.</returns>
    public static CheckResult Close(string exercise, Func<double> compute, double expected, double tolerance = 1e-9) =>
        Run<object>(exercise, () => compute(), boxed =>
        {
            var actual = (double)boxed;
            var diff = Math.Abs(actual - expected);
            return diff <= tolerance
                ? (true, $"got the expected {Num(expected)}")
                : (false, $"expected {Num(expected)}, got {Num(actual)}; |difference| {Num(diff)} > {Num(tolerance)}");
        });

    /// <summary>Checks that the answer equals <paramref name="expected"/> by <see cref="EqualityComparer{T}.Default"/>.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <returns>The recorded result.</returns>
    public static CheckResult Equal<T>(string exercise, Func<T> compute, T expected) =>
        Run<object>(exercise, () => compute(), boxed =>
        {
            var actual = (T)boxed;
            return EqualityComparer<T>.Default.Equals(actual, expected)
                ? (true, $"got the expected {expected}")
                : (false, $"expected {expected}, got {actual}");
        });

    /// <summary>Checks a property of the learner's code that a single expected value cannot express.</summary>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="condition">Runs the learner's code and returns whether the property holds.</param>
    /// <param name="what">The property in words, e.g. <c>"each row sums to 1"</c>; shown in both outcomes.</param>
    /// <returns>The recorded result.</returns>
    public static CheckResult That(string exercise, Func<bool> condition, string what) =>
        Run<object>(exercise, () => condition(), holds => (bool)holds ? (true, what) : (false, $"expected {what}, but it does not hold"));

    private static CheckResult Run<T>(string exercise, Func<T?> compute, Func<T, (bool Passed, string Message)> judge)
        where T : class
    {
        (bool Passed, string Message) outcome;
        try
        {
            var actual = compute();
            outcome = actual is null ? (false, "got null; return a value") : judge(actual);
        }
        catch (NotImplementedException)
        {
            outcome = (false, "not done yet: the exercise cell still throws NotImplementedException; write your code there, run that cell, then this one");
        }
        catch (Exception e)
        {
            outcome = (false, $"your code threw {e.GetType().Name}: {e.Message}");
        }
        return Record(new CheckResult(exercise, outcome.Passed, outcome.Message));
    }

    private static CheckResult Record(CheckResult result)
    {
        lock (results) results.Add(result);
        Console.WriteLine(result.ToString());
        if (AppDomain.CurrentDomain.GetData(SinkKey) is Action<string, bool, string> sink)
            sink(result.Exercise, result.Passed, result.Message);
        return result;
    }

    private static string Shape(Matrix<double> m) => $"{m.RowCount}×{m.ColumnCount}";

    private static string Num(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static string Show(Vector<double> v) =>
        v.Count <= 8 ? $"[{string.Join(", ", v.Select(Num))}]" : $"[{string.Join(", ", v.Take(6).Select(Num))}, … ({v.Count} entries)]";

    private static string Show(Matrix<double> m) =>
        m.RowCount <= 6 && m.ColumnCount <= 6
            ? $"[{string.Join(", ", m.EnumerateRows().Select(Show))}]"
            : $"({Shape(m)}, first row {Show(m.Row(0))})";
}
