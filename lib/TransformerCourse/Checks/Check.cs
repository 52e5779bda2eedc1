using System.Collections;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Checks;

/// <summary>
/// Checks for notebook exercises: one verdict per exercise. A check cell makes one call per exercise — a single
/// check (<c>Check.Close("00.1", () =&gt; RowMeans(x), expected)</c>) or several in one
/// <see cref="Exercise(string, Action{ExerciseChecks})"/> — and that call prints one line,
/// <c>✔ Exercise 00.1: …</c> when every check passed or <c>✘ Exercise 00.1: …</c> with the first failure, records the
/// verdict in
/// <see cref="Results"/>, and never throws: an exercise stub that still throws
/// <see cref="NotImplementedException"/> is one readable failure, not a crash.
/// </summary>
/// <remarks>
/// This is plain C# that prints with <see cref="Console.WriteLine(string)"/>, so it behaves the same in the Polyglot
/// kernel, in the headless runner and in an exported program. The headless runner (<c>course check</c>) collects
/// the verdicts through an <see cref="AppDomain"/> data slot named <see cref="SinkKey"/> that holds an
/// <c>Action&lt;string, bool, string&gt;</c> (exercise, passed, message), called once per verdict. The slot is read
/// when a check starts, before the learner's code runs; a <c>Check</c> call made while another runs reports nothing.
/// The runner decides which verdicts count (see <c>course check</c> in README).
/// </remarks>
public static class Check
{
    /// <summary>
    /// The <see cref="AppDomain"/> data slot where a runner may put an <c>Action&lt;string, bool, string&gt;</c> to
    /// receive every verdict.
    /// </summary>
    public const string SinkKey = "TransformerCourse.Checks.Sink";

    private static readonly List<CheckResult> results = [];

    // How many Check calls are running on this flow: a Check call made by the learner's code while a check runs
    // (nested) prints its line but reports no verdict.
    private static readonly AsyncLocal<int> depth = new();

    /// <summary>Every verdict given so far in this process, oldest first.</summary>
    public static IReadOnlyList<CheckResult> Results
    {
        get { lock (results) return results.ToArray(); }
    }

    /// <summary>
    /// Runs several checks of one exercise and prints one line for the exercise: ✔ with what was checked when all
    /// pass, else ✘ with the first failure (the checks after it do not run).
    /// </summary>
    /// <example>
    /// <code>
    /// Check.Exercise("00.2", c =&gt;
    /// {
    ///     c.Close(() =&gt; Linear(x, w, b), expected);
    ///     c.That(() =&gt; Linear(M.Dense(5, 4), M.Dense(4, 7), V.Dense(7)).RowCount == 5, "5 rows in, 5 out");
    /// });
    /// </code>
    /// </example>
    /// <param name="exercise">Exercise id, e.g. <c>"00.2"</c>.</param>
    /// <param name="checks">Calls the checks on the <see cref="ExerciseChecks"/> it is given.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult Exercise(string exercise, Action<ExerciseChecks> checks)
    {
        // The sink is taken before the learner's code runs, so that code cannot swap it for this verdict.
        var sink = depth.Value == 0 ? AppDomain.CurrentDomain.GetData(SinkKey) as Action<string, bool, string> : null;
        var c = new ExerciseChecks(exercise);
        depth.Value++;
        try
        {
            checks(c);
        }
        catch (ExerciseChecks.Failed)
        {
            // The first failed check ends the exercise; its message is in c.Failure.
        }
        catch (Exception e)
        {
            // Code in the check cell itself (outside a check's lambda) that calls the learner's code.
            c.Fail(ExerciseChecks.Describe(e));
        }
        finally
        {
            depth.Value--;
        }
        var result = c.Failure is { } failure ? new CheckResult(exercise, false, failure)
            : c.Passed.Count == 0 ? new CheckResult(exercise, false, "the check cell ran no checks")
            : new CheckResult(exercise, true, string.Join("; ", c.Passed.Distinct()));
        return Record(result, sink);
    }

    /// <summary>
    /// An exercise with one check: a matrix answer of the same shape as <paramref name="expected"/> and every entry
    /// within <paramref name="tolerance"/>, i.e. max_ij |actual_ij − expected_ij| ≤ tolerance.
    /// </summary>
    /// <param name="exercise">Exercise id, e.g. <c>"00.2"</c>.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult Close(
        string exercise, Func<Matrix<double>?> compute, Matrix<double> expected, double tolerance = 1e-9) =>
        Exercise(exercise, c => c.Close(compute, expected, tolerance));

    /// <summary>
    /// An exercise with one check: a vector answer of the same length as <paramref name="expected"/> and every entry
    /// within <paramref name="tolerance"/>, i.e. max_i |actual_i − expected_i| ≤ tolerance.
    /// </summary>
    /// <param name="exercise">Exercise id, e.g. <c>"00.1"</c>.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult Close(
        string exercise, Func<Vector<double>?> compute, Vector<double> expected, double tolerance = 1e-9) =>
        Exercise(exercise, c => c.Close(compute, expected, tolerance));

    /// <summary>An exercise with one check: a number, |actual − expected| ≤ <paramref name="tolerance"/>.</summary>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult Close(string exercise, Func<double> compute, double expected, double tolerance = 1e-9) =>
        Exercise(exercise, c => c.Close(compute, expected, tolerance));

    /// <summary>
    /// An exercise with one check: the answer equals <paramref name="expected"/> by
    /// <see cref="EqualityComparer{T}.Default"/>.
    /// </summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult Equal<T>(string exercise, Func<T> compute, T expected) =>
        Exercise(exercise, c => c.Equal(compute, expected));

    /// <summary>An exercise with one check: a property of the learner's code that no one value can express.</summary>
    /// <param name="exercise">Exercise id.</param>
    /// <param name="condition">Runs the learner's code and returns whether the property holds.</param>
    /// <param name="what">The property in words, e.g. <c>"each row sums to 1"</c>; shown in both outcomes.</param>
    /// <returns>The verdict.</returns>
    public static CheckResult That(string exercise, Func<bool> condition, string what) =>
        Exercise(exercise, c => c.That(condition, what));

    private static CheckResult Record(CheckResult result, Action<string, bool, string>? sink)
    {
        lock (results) results.Add(result);
        Console.WriteLine(result.ToString());
        sink?.Invoke(result.Exercise, result.Passed, result.Message);
        return result;
    }
}

/// <summary>
/// The checks of one exercise, inside <see cref="Check.Exercise(string, Action{ExerciseChecks})"/>. Each method runs
/// one check; the first that fails ends the exercise (the verdict is its message), so later checks never run on an
/// answer already known to be wrong.
/// </summary>
public sealed class ExerciseChecks
{
    internal ExerciseChecks(string exercise) => Exercise = exercise;

    /// <summary>The exercise id.</summary>
    public string Exercise { get; }

    internal List<string> Passed { get; } = [];

    internal string? Failure { get; private set; }

    /// <summary>
    /// A matrix answer: the shape of <paramref name="expected"/>, each entry within <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    public void Close(Func<Matrix<double>?> compute, Matrix<double> expected, double tolerance = 1e-9) =>
        Run(compute, actual =>
        {
            if (actual.RowCount != expected.RowCount || actual.ColumnCount != expected.ColumnCount)
                return (false, $"expected a {Shape(expected)} matrix, got {Shape(actual)}: {Show(actual)}");
            var entries = Enumerable.Range(0, expected.RowCount).SelectMany(i => Enumerable
                .Range(0, expected.ColumnCount).Select(j => ($"[{i}, {j}]", actual[i, j], expected[i, j])));
            return Compare(entries, tolerance) is { } why
                ? (false, $"expected {Show(expected)}, got {Show(actual)}; {why}")
                : (true, $"got the expected {Shape(expected)} matrix {Show(expected)}");
        });

    /// <summary>
    /// A vector answer: the length of <paramref name="expected"/>, each entry within <paramref name="tolerance"/>.
    /// </summary>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    public void Close(Func<Vector<double>?> compute, Vector<double> expected, double tolerance = 1e-9) =>
        Run(compute, actual =>
        {
            if (actual.Count != expected.Count)
                return (false,
                    $"expected a vector of length {expected.Count}, got length {actual.Count}: {Show(actual)}");
            var entries = Enumerable.Range(0, expected.Count).Select(i => ($"[{i}]", actual[i], expected[i]));
            return Compare(entries, tolerance) is { } why
                ? (false, $"expected {Show(expected)}, got {Show(actual)}; {why}")
                : (true, $"got the expected vector {Show(expected)}");
        });

    /// <summary>A number: |actual − expected| ≤ <paramref name="tolerance"/>.</summary>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference.</param>
    public void Close(Func<double> compute, double expected, double tolerance = 1e-9) =>
        Run<object>(() => compute(), boxed =>
        {
            var actual = (double)boxed;
            return Compare([("", actual, expected)], tolerance) is { } why
                ? (false, $"expected {Num(expected)}, got {Num(actual)}; {why}")
                : (true, $"got the expected {Num(expected)}");
        });

    /// <summary>
    /// A sequence of numbers: the length of <paramref name="expected"/>, each entry within
    /// <paramref name="tolerance"/> (NaN, ±∞ and lengths judged as for vectors).
    /// </summary>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    /// <param name="tolerance">Largest allowed absolute difference of one entry.</param>
    public void Close(Func<IEnumerable<double>?> compute, IEnumerable<double> expected, double tolerance = 1e-9) =>
        Close(() => compute() is { } a ? Vector<double>.Build.DenseOfEnumerable(a) : null,
            Vector<double>.Build.DenseOfEnumerable(expected), tolerance);

    /// <summary>
    /// Why <paramref name="entries"/> (name, actual, expected) are not all close, or null when they are. NaN, ±∞
    /// and finite values are never close to one another (equal infinities are equal, and NaN only matches NaN);
    /// finite entries must be within <paramref name="tolerance"/>. Names the first entry that is not a finite
    /// difference, else the entry of the largest difference.
    /// </summary>
    internal static string? Compare(IEnumerable<(string Name, double Actual, double Expected)> entries,
        double tolerance)
    {
        var worst = (Name: "", Diff: 0.0);
        foreach (var (name, actual, expected) in entries)
        {
            var at = name.Length == 0 ? "" : $"entry {name} ";
            if (double.IsNaN(actual) != double.IsNaN(expected))
                return $"{at}is {Num(actual)} where {Num(expected)} was expected";
            if (double.IsNaN(actual)) continue;
            if (double.IsInfinity(actual) || double.IsInfinity(expected))
            {
                if (actual == expected) continue;
                return $"{at}is {Num(actual)} where {Num(expected)} was expected" +
                       (double.IsInfinity(actual) ? " (an infinity is never close to a finite number)"
                           : double.IsInfinity(expected) ? " (only the same infinity matches an infinity)" : "");
            }
            var diff = Math.Abs(actual - expected);
            if (diff > worst.Diff) worst = (name, diff);
        }
        if (worst.Diff <= tolerance) return null;
        return $"{(worst.Name.Length == 0 ? "" : "max ")}|difference| {Num(worst.Diff)} > {Num(tolerance)}";
    }

    /// <summary>
    /// The answer equals <paramref name="expected"/> by <see cref="EqualityComparer{T}.Default"/>; a sequence
    /// (an array, a list) equals another with the same length and equal items in order.
    /// </summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="compute">Runs the learner's code and returns its answer.</param>
    /// <param name="expected">The right answer.</param>
    public void Equal<T>(Func<T> compute, T expected) =>
        Run<object>(() => compute(), boxed =>
        {
            var actual = (T)boxed;
            if (expected is IEnumerable e and not string && boxed is IEnumerable a)
                return SequenceDifference(a.Cast<object?>().ToList(), e.Cast<object?>().ToList()) is { } why
                    ? (false, why)
                    : (true, $"got the expected {ShowItems(e.Cast<object?>().ToList())}");
            return EqualityComparer<T>.Default.Equals(actual, expected)
                ? (true, $"got the expected {expected}")
                : (false, $"expected {expected}, got {actual}");
        });

    private static string? SequenceDifference(List<object?> actual, List<object?> expected)
    {
        var shown = $"expected {ShowItems(expected)}, got {ShowItems(actual)}";
        if (actual.Count != expected.Count)
            return $"{shown}; {actual.Count} items where {expected.Count} were expected";
        var i = Enumerable.Range(0, actual.Count).FirstOrDefault(k => !Equals(actual[k], expected[k]), -1);
        return i < 0 ? null : $"{shown}; item [{i}] is {Item(actual[i])} where {Item(expected[i])} was expected";
    }

    private static string Item(object? x) => x is double d ? Num(d) : x?.ToString() ?? "null";

    private static string ShowItems(List<object?> items) =>
        items.Count <= 8
            ? $"[{string.Join(", ", items.Select(Item))}]"
            : $"[{string.Join(", ", items.Take(6).Select(Item))}, … ({items.Count} items)]";

    /// <summary>A property of the learner's code that a single expected value cannot express.</summary>
    /// <param name="condition">Runs the learner's code and returns whether the property holds.</param>
    /// <param name="what">The property in words, e.g. <c>"each row sums to 1"</c>; shown in both outcomes.</param>
    public void That(Func<bool> condition, string what) =>
        Run<object>(() => condition(),
            holds => (bool)holds ? (true, what) : (false, $"expected {what}, but it does not hold"));

    internal void Fail(string message) => Failure ??= message;

    internal static string Describe(Exception e) => e is NotImplementedException
        ? "not done yet: the exercise cell still throws NotImplementedException; write your code there, " +
          "run that cell, then this one"
        : $"your code threw {e.GetType().Name}: {e.Message}";

    private void Run<T>(Func<T?> compute, Func<T, (bool Passed, string Message)> judge)
        where T : class
    {
        if (Failure is not null) throw new Failed();
        (bool Passed, string Message) outcome;
        try
        {
            var actual = compute();
            outcome = actual is null ? (false, "got null; return a value") : judge(actual);
        }
        catch (Exception e)
        {
            outcome = (false, Describe(e));
        }
        if (outcome.Passed)
        {
            Passed.Add(outcome.Message);
            return;
        }
        Fail(outcome.Message);
        throw new Failed();
    }

    private static string Shape(Matrix<double> m) => $"{m.RowCount}×{m.ColumnCount}";

    private static string Num(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static string Show(Vector<double> v) =>
        v.Count <= 8
            ? $"[{string.Join(", ", v.Select(Num))}]"
            : $"[{string.Join(", ", v.Take(6).Select(Num))}, … ({v.Count} entries)]";

    private static string Show(Matrix<double> m) =>
        m.RowCount <= 6 && m.ColumnCount <= 6
            ? $"[{string.Join(", ", m.EnumerateRows().Select(Show))}]"
            : $"({Shape(m)}, first row {Show(m.Row(0))})";

    /// <summary>Thrown by a failed check to end the exercise; caught by <see cref="Check.Exercise"/>.</summary>
    internal sealed class Failed : Exception
    {
        public Failed()
            : base("an exercise check failed")
        {
        }
    }
}
