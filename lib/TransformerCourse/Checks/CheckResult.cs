namespace TransformerCourse.Checks;

/// <summary>
/// The outcome of one exercise check: which exercise, whether it passed, and the line the learner saw.
/// </summary>
/// <param name="Exercise">The exercise id, e.g. <c>"00.1"</c>.</param>
/// <param name="Passed">True when the learner's code returned what was expected.</param>
/// <param name="Message">
/// What was checked and, on failure, what was expected and what came back
/// (e.g. <c>"expected [2, 5], got [0, 0]; max |difference| 5"</c>).
/// </param>
public sealed record CheckResult(string Exercise, bool Passed, string Message)
{
    /// <summary>The line printed under the check cell: <c>✔ Exercise 00.1: …</c> or <c>✘
    /// Exercise 00.1: …</c>.</summary>
    public override string ToString() => $"{(Passed ? "✔" : "✘")} Exercise {Exercise}: {Message}";
}
