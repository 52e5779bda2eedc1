using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>The per-operation profiler: what it records, when, and on which thread.</summary>
public class OpProfileTests
{
    private static void Profiled(OpProfile profile, Action action)
    {
        Tensor.Profile = profile;
        try
        {
            action();
        }
        finally
        {
            Tensor.Profile = null;
        }
    }

    [Fact]
    public void OffByDefault()
    {
        OpProfile? seen = new();
        var thread = new Thread(() => seen = Tensor.Profile);
        thread.Start();
        thread.Join();
        Assert.Null(seen);
        Assert.Null(Tensor.Profile);
    }

    [Fact]
    public void ProfileCountsOperationsForwardAndBackward()
    {
        var rng = new Rng(93);
        var x = Gen.Param(3, 4, rng, "x");
        var w = Gen.Param(4, 2, rng, "w");
        var profile = new OpProfile();
        Profiled(profile, () => x.MatMul(w).Tanh().Sum().Backward());
        foreach (var op in new[] { "MatMul", "Tanh", "Sum" })
        {
            Assert.Equal(1, profile.Forward[op].Calls);
            Assert.Equal(1, profile.Backward[op].Calls);
            Assert.True(profile.Forward[op].Seconds >= 0);
            Assert.True(profile.Backward[op].Seconds >= 0);
        }
        Assert.True(profile.Forward["MatMul"].Bytes >= 3 * 2 * sizeof(double)); // at least its 3×2 result

        x.MatMul(w); // not recorded any more
        Assert.Equal(1, profile.Forward["MatMul"].Calls);
    }

    [Fact]
    public void RepeatedOperationsAddUpUnderOneName()
    {
        var rng = new Rng(94);
        var x = Gen.Param(2, 3, rng, "x");
        var profile = new OpProfile();
        Profiled(profile, () =>
        {
            profile.Mark();
            x.Tanh().Tanh().Tanh().Sum().Backward();
        });
        Assert.Equal(new[] { "Sum", "Tanh" }, profile.Forward.Keys.Order());
        Assert.Equal(3, profile.Forward["Tanh"].Calls);
        Assert.Equal(3, profile.Backward["Tanh"].Calls);
        Assert.Equal(1, profile.Backward["Sum"].Calls);
    }

    [Fact]
    public void BackwardIsRecordedOnlyForTheOperationsBackPropagated()
    {
        var rng = new Rng(95);
        var x = Gen.Param(2, 2, rng, "x");
        var profile = new OpProfile();
        Profiled(profile, () =>
        {
            var y = x.Exp();
            _ = y.Sigmoid();    // a branch the loss does not use
            y.Sum().Backward();
        });
        Assert.Equal(1, profile.Forward["Sigmoid"].Calls);
        Assert.False(profile.Backward.ContainsKey("Sigmoid"));
        Assert.Equal(1, profile.Backward["Exp"].Calls);
    }

    [Fact]
    public void SequenceListsTheForwardOperationsInOrderOnlyWhenAskedFor()
    {
        var x = Gen.Param(2, 2, new Rng(95), "x");
        var recording = new OpProfile(recordSequence: true);
        var plain = new OpProfile();
        Profiled(recording, () => x.Exp().Tanh().Exp().Sum());
        Profiled(plain, () => x.Exp().Sum());
        Assert.Equal(["Exp", "Tanh", "Exp", "Sum"], recording.Sequence);
        Assert.Empty(plain.Sequence);
        recording.Clear();
        Assert.Empty(recording.Sequence);
    }

    [Fact]
    public void ClearForgetsEverything()
    {
        var x = Gen.Param(2, 2, new Rng(96), "x");
        var profile = new OpProfile();
        Profiled(profile, () => x.Exp().Sum().Backward());
        Assert.NotEmpty(profile.Forward);
        profile.Clear();
        Assert.Empty(profile.Forward);
        Assert.Empty(profile.Backward);
        Profiled(profile, () => x.Exp());
        Assert.Equal(1, profile.Forward["Exp"].Calls);
        Assert.Single(profile.Forward);
    }

    [Fact]
    public void OnlyTheThreadThatSetItRecords()
    {
        var x = Gen.Param(2, 2, new Rng(97), "x");
        var profile = new OpProfile();
        Profiled(profile, () =>
        {
            var other = new Thread(() => x.Exp().Sum());
            other.Start();
            other.Join();
            x.Tanh();
        });
        Assert.Equal(new[] { "Tanh" }, profile.Forward.Keys);
    }
}
