using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Checks;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>The messages learners see from TransformerCourse.Checks.Check (expected values
/// worked out by hand).</summary>
public class CheckApiTests
{
    private static readonly VectorBuilder<double> V = Vector<double>.Build;
    private static readonly MatrixBuilder<double> M = Matrix<double>.Build;

    [Fact]
    public void A_close_vector_passes()
    {
        var r = Check.Close("t.1", () => V.Dense([2.0, 5.0 + 1e-12]), V.Dense([2.0, 5.0]));
        Assert.Equal(new CheckResult("t.1", true, "got the expected vector [2, 5]"), r);
        Assert.Equal("✔ Exercise t.1: got the expected vector [2, 5]", r.ToString());
        Assert.Contains(r, Check.Results);
    }

    [Fact]
    public void A_wrong_vector_says_what_was_expected_and_what_came_back() =>
        Assert.Equal(
            "expected [2, 5], got [1.5, 4.5]; max |difference| 0.5 > 1E-09",
            Check.Close("t.2", () => V.Dense([1.5, 4.5]), V.Dense([2.0, 5.0])).Message);

    [Fact]
    public void A_wrong_shape_names_both_shapes() =>
        Assert.Equal(
            "expected a 2×3 matrix, got 3×2: [[0, 0], [0, 0], [0, 0]]",
            Check.Close("t.3", () => M.Dense(3, 2), M.Dense(2, 3)).Message);

    [Fact]
    public void A_NaN_never_passes() =>
        Assert.False(Check.Close("t.4", () => V.Dense([double.NaN]), V.Dense([1.0])).Passed);

    [Fact]
    public void An_untouched_stub_is_a_readable_failure()
    {
        var r = Check.Equal<int>("t.5", () => throw new NotImplementedException(), 42);
        Assert.False(r.Passed);
        Assert.StartsWith("not done yet: the exercise cell still throws NotImplementedException", r.Message);
    }

    [Fact]
    public void Other_exceptions_and_null_are_failures_too()
    {
        Assert.Equal("your code threw ArgumentException: boom",
            Check.Close("t.6", () => throw new ArgumentException("boom"), 1.0).Message);
        Assert.Equal("got null; return a value",
            Check.Close("t.7", () => (Matrix<double>?)null, M.Dense(1, 1)).Message);
    }

    [Fact]
    public void Numbers_and_properties()
    {
        Assert.Equal("expected 1, got 1.5; |difference| 0.5 > 0.1",
            Check.Close("t.8", () => 1.5, 1.0, tolerance: 0.1).Message);
        Assert.Equal("expected rows sum to 1, but it does not hold",
            Check.That("t.9", () => false, "rows sum to 1").Message);
        Assert.True(Check.That("t.9", () => true, "rows sum to 1").Passed);
    }

    [Fact]
    public void An_exercise_with_several_checks_gives_one_verdict_naming_each_check()
    {
        var r = Check.Exercise("t.10", c =>
        {
            c.Close(() => V.Dense([2.0, 5.0]), V.Dense([2.0, 5.0]));
            c.That(() => true, "rows sum to 1");
        });
        Assert.Equal(new CheckResult("t.10", true, "got the expected vector [2, 5]; rows sum to 1"), r);
    }

    [Fact]
    public void The_first_failed_check_is_the_verdict_and_the_later_ones_do_not_run()
    {
        var later = 0;
        var r = Check.Exercise("t.11", c =>
        {
            c.Equal(() => 1, 1);
            c.Equal(() => 2, 3);
            c.Equal(() => ++later, 1);
        });
        Assert.Equal(new CheckResult("t.11", false, "expected 3, got 2"), r);
        Assert.Equal(0, later);
    }

    [Fact]
    public void An_untouched_stub_is_one_not_done_yet_verdict_even_outside_a_checks_lambda()
    {
        int Stub() => throw new NotImplementedException();
        var r = Check.Exercise("t.12", c =>
        {
            var answer = Stub();     // check-cell code that calls the learner's code directly
            c.Equal(() => answer, 42);
            c.Equal(() => Stub(), 42);
        });
        Assert.False(r.Passed);
        Assert.StartsWith("not done yet: the exercise cell still throws NotImplementedException", r.Message);
        Assert.Single(Check.Results, x => x.Exercise == "t.12");
    }

    [Fact]
    public void An_exercise_without_checks_fails() =>
        Assert.Equal(new CheckResult("t.13", false, "the check cell ran no checks"), Check.Exercise("t.13", _ => { }));
}
