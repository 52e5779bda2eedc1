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
    public void ACloseVectorPasses()
    {
        var r = Check.Close("t.1", () => V.Dense([2.0, 5.0 + 1e-12]), V.Dense([2.0, 5.0]));
        Assert.Equal(new CheckResult("t.1", true, "got the expected vector [2, 5]"), r);
        Assert.Equal("✔ Exercise t.1: got the expected vector [2, 5]", r.ToString());
        Assert.Contains(r, Check.Results);
    }

    [Fact]
    public void AWrongVectorSaysWhatWasExpectedAndWhatCameBack() =>
        Assert.Equal(
            "expected [2, 5], got [1.5, 4.5]; max |difference| 0.5 > 1E-09",
            Check.Close("t.2", () => V.Dense([1.5, 4.5]), V.Dense([2.0, 5.0])).Message);

    [Fact]
    public void AWrongShapeNamesBothShapes() =>
        Assert.Equal(
            "expected a 2×3 matrix, got 3×2: [[0, 0], [0, 0], [0, 0]]",
            Check.Close("t.3", () => M.Dense(3, 2), M.Dense(2, 3)).Message);

    [Fact]
    public void ANaNNeverPasses() =>
        Assert.False(Check.Close("t.4", () => V.Dense([double.NaN]), V.Dense([1.0])).Passed);

    [Fact]
    public void AnUntouchedStubIsAReadableFailure()
    {
        var r = Check.Equal<int>("t.5", () => throw new NotImplementedException(), 42);
        Assert.False(r.Passed);
        Assert.StartsWith("not done yet: the exercise cell still throws NotImplementedException", r.Message);
    }

    [Fact]
    public void OtherExceptionsAndNullAreFailuresToo()
    {
        Assert.Equal("your code threw ArgumentException: boom",
            Check.Close("t.6", () => throw new ArgumentException("boom"), 1.0).Message);
        Assert.Equal("got null; return a value",
            Check.Close("t.7", () => (Matrix<double>?)null, M.Dense(1, 1)).Message);
    }

    [Fact]
    public void NumbersAndProperties()
    {
        Assert.Equal("expected 1, got 1.5; |difference| 0.5 > 0.1",
            Check.Close("t.8", () => 1.5, 1.0, tolerance: 0.1).Message);
        Assert.Equal("expected rows sum to 1, but it does not hold",
            Check.That("t.9", () => false, "rows sum to 1").Message);
        Assert.True(Check.That("t.9", () => true, "rows sum to 1").Passed);
    }

    [Fact]
    public void AnExerciseWithSeveralChecksGivesOneVerdictNamingEachCheck()
    {
        var r = Check.Exercise("t.10", c =>
        {
            c.Close(() => V.Dense([2.0, 5.0]), V.Dense([2.0, 5.0]));
            c.That(() => true, "rows sum to 1");
        });
        Assert.Equal(new CheckResult("t.10", true, "got the expected vector [2, 5]; rows sum to 1"), r);
    }

    [Fact]
    public void TheFirstFailedCheckIsTheVerdictAndTheLaterOnesDoNotRun()
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
    public void AnUntouchedStubIsOneNotDoneYetVerdictEvenOutsideAChecksLambda()
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
    public void AnExerciseWithoutChecksFails() =>
        Assert.Equal(new CheckResult("t.13", false, "the check cell ran no checks"), Check.Exercise("t.13", _ => { }));
}
