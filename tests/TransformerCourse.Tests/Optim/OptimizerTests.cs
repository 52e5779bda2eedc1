using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Optim;

/// <summary>
/// State per parameter, as in PyTorch: a parameter whose gradient is null is skipped, and its step count (Adam's bias
/// correction) and buffers start at the first step at which it has a gradient.
/// </summary>
public class OptimizerTests
{
    private const double Tol = 1e-12;
    private static readonly string[] Names = ["a", "b"];

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("adam_late_param", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("adamw_late_param", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("sgd_momentum_late_param", new[] { "momentum_buffer" })]
    public void AParameterWhoseFirstGradientComesLaterStartsItsOwnState(string name, string[] buffers)
    {
        // PyTorch 1.13: parameter a has a gradient from step 1, b's .grad is None until step 3.
        var f = TorchFixture.Load(name);
        Assert.Equal(3, f.ConfigInt("b_first_grad_step"));
        var ps = Names.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        var opt = MakeOptimizer(f, ps);
        var updates = new int[ps.Length];
        for (int step = 1; step <= f.ConfigInt("steps"); step++)
        {
            for (int i = 0; i < ps.Length; i++)
            {
                string key = $"grad.{Names[i]}.step{step}";
                ps[i].Grad = f.Has(key) ? f.Matrix(key) : null;
                if (f.Has(key)) updates[i]++;
            }
            opt.Step();
            var state = opt.StateDict();
            for (int i = 0; i < ps.Length; i++)
            {
                string n = Names[i], after = $"after_step{step}";
                Expect.Close(f.Matrix($"param.{n}.{after}"), ps[i].Data, Tol, $"{n} {after}");
                Assert.Equal(updates[i], opt.ParameterStepCounts[i]);
                Assert.Equal(updates[i], (int)state[$"{i}.step"][0, 0]);
                if (f.Has($"state.{n}.step.{after}"))
                    Assert.Equal(updates[i], (int)f.Scalar($"state.{n}.step.{after}"));
                foreach (var b in buffers)
                {
                    if (f.Has($"state.{n}.{b}.{after}"))
                        Expect.Close(f.Matrix($"state.{n}.{b}.{after}"), state[$"{i}.{b}"], Tol, $"{n}.{b} {after}");
                    else // PyTorch has no state for b yet: ours is still the zero it started as
                        Assert.Equal(0.0, Expect.MaxAbs(state[$"{i}.{b}"]));
                }
            }
        }
        Assert.Equal(f.ConfigInt("steps"), opt.StepCount);
        Assert.Equal([5, 3], opt.ParameterStepCounts);
    }

    /// <summary>Two steps; parameter b takes part in the loss only in the first.</summary>
    private static (Tensor A, Tensor B, Optimizer Opt) TwoStepsWithBUsedOnce(bool setToNone)
    {
        var a = Tensor.FromArray(new double[,] { { 1.0, -1.0 } }, requiresGrad: true);
        var b = Tensor.FromArray(new double[,] { { 2.0, 0.5 } }, requiresGrad: true);
        var opt = new Adam([a, b], learningRate: 0.1);
        for (int step = 1; step <= 2; step++)
        {
            opt.ZeroGrad(setToNone);
            var loss = step == 1 ? a.Mul(a).Sum() + b.Mul(b).Sum() : a.Mul(a).Sum();
            loss.Backward();
            opt.Step();
        }
        return (a, b, opt);
    }

    [Fact]
    public void ZeroGradKeepsGradientsAsZerosAndSetToNoneSkipsUnusedParameters()
    {
        // Default (PyTorch 1.13's set_to_none=False): b's gradient is a zero matrix in step 2, so Adam still moves it
        // (its first moment is not zero) and counts the step. Step 2 with g = 0 and m = 0.1·g₁, v = 0.001·g₁²:
        // m = 0.09·g₁, v = 0.000999·g₁², θ ← θ − 0.1/(1 − 0.81) · m / (√v/√(1 − 0.998001) + 1e-8).
        var (_, kept, keptOpt) = TwoStepsWithBUsedOnce(setToNone: false);
        Assert.NotNull(kept.Grad);
        Assert.Equal([2, 2], keptOpt.ParameterStepCounts);
        double[] b0 = [2.0, 0.5];
        for (int k = 0; k < 2; k++)
        {
            double g1 = 2 * b0[k], theta1 = b0[k] - 0.1 * g1 / (Math.Abs(g1) + 1e-8);
            double m = 0.09 * g1, v = 0.000999 * g1 * g1;
            double expected = theta1 - 0.1 / 0.19 * m / (Math.Sqrt(v) / Math.Sqrt(1 - 0.998001) + 1e-8);
            Expect.Close(expected, kept.Data[0, k], 1e-14);
        }

        // set_to_none=True: b has no gradient in step 2, so it is skipped: unchanged after step 1, one step counted.
        var (_, skipped, skippedOpt) = TwoStepsWithBUsedOnce(setToNone: true);
        Assert.Null(skipped.Grad);
        Assert.Equal([2, 1], skippedOpt.ParameterStepCounts);
        for (int k = 0; k < 2; k++)
            Expect.Close(b0[k] - 0.1 * 2 * b0[k] / (Math.Abs(2 * b0[k]) + 1e-8), skipped.Data[0, k], 1e-14);
    }

    private static readonly Tensor X = Tensor.Randn(16, 3, new Rng(300));
    private static readonly int[] Y = Enumerable.Range(0,
        16).Select(i => (int)(X.Data[i, 0] + X.Data[i, 1] > 0 ? 1 : 0) + (X.Data[i, 2] > 0.5 ? 1 : 0)).ToArray();

    private static Sequential NewModel(ulong seed)
    {
        var rng = new Rng(seed);
        return new Sequential(new Linear(3, 8, rng), new Tanh(), new Linear(8, 3, rng));
    }

    private static Optimizer NewOptimizer(string kind, Module model) => kind switch
    {
        "Adam" => new Adam(model.Parameters(), weightDecay: 1e-3),
        "AdamW" => new AdamW(model.Parameters()),
        "Sgd" => new Sgd(model.Parameters(), 0.1, momentum: 0.9, nesterov: true),
        _ => throw new ArgumentException(kind),
    };

    /// <summary>Takes steps first+1 … first+count, with the warm-up schedule setting the
    /// rate; returns the losses.</summary>
    private static List<double> Train(Sequential model, Optimizer opt, int first, int count)
    {
        var schedule = new WarmupSchedule(DModel: 8, Warmup: 4, Factor: 0.5);
        var losses = new List<double>();
        for (int step = first + 1; step <= first + count; step++)
        {
            opt.LearningRate = schedule.At(step);
            opt.ZeroGrad();
            var batch = Enumerable.Range(0, 8).Select(i => (i + 3 * step) % 16).ToArray();
            var loss =
                model.Forward(X.GatherRows(batch)).CrossEntropy(batch.Select(i => Y[i]).ToArray(), labelSmoothing: 0.1);
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1.0);
            opt.Step();
            losses.Add(loss.Item());
        }
        return losses;
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("Sgd")]
    public void ResumeIsBitIdentical(string kind)
    {
        var straightModel = NewModel(301);
        var straightOpt = NewOptimizer(kind, straightModel);
        var straight = Train(straightModel, straightOpt, 0, 12);

        var firstModel = NewModel(301);
        var firstOpt = NewOptimizer(kind, firstModel);
        var resumed = Train(firstModel, firstOpt, 0, 6);
        var modelState = firstModel.StateDict();
        var optState = firstOpt.StateDict();

        var freshModel = NewModel(999); // different initial weights: everything must come from the checkpoint
        var freshOpt = NewOptimizer(kind, freshModel);
        freshModel.LoadStateDict(modelState);
        freshOpt.LoadStateDict(optState);
        Assert.Equal(6, freshOpt.StepCount);
        resumed.AddRange(Train(freshModel, freshOpt, 6, 6));

        Assert.Equal(straight, resumed);
        foreach (var (a, b) in straightModel.NamedParameters().Zip(freshModel.NamedParameters())) Assert
            .Equal(a.Value.Data, b.Value.Data);
        Assert.True(straight[^1] < straight[0]);
    }

    [Fact]
    public void WithoutTheOptimizerStateResumeDiffers()
    {
        // The control: restoring only the model (fresh Adam moments) does not reproduce the straight run.
        var straightModel = NewModel(302);
        var straight = Train(straightModel, NewOptimizer("Adam", straightModel), 0, 8);
        var firstModel = NewModel(302);
        var resumed = Train(firstModel, NewOptimizer("Adam", firstModel), 0, 4);
        var fresh = NewModel(303);
        fresh.LoadStateDict(firstModel.StateDict());
        resumed.AddRange(Train(fresh, NewOptimizer("Adam", fresh), 4, 4));
        Assert.NotEqual(straight, resumed);
    }

    [Fact]
    public void StateDictKeys()
    {
        var model = NewModel(304);
        var adam = new Adam(model.Parameters());
        Assert.Equal(["step", "lr", "0.step", "1.step", "2.step", "3.step", "0.exp_avg", "1.exp_avg", "2.exp_avg",
                "3.exp_avg", "0.exp_avg_sq", "1.exp_avg_sq", "2.exp_avg_sq", "3.exp_avg_sq"],
            adam.StateDict().Keys);
        Assert.Equal(["step", "lr", "0.step", "1.step", "2.step", "3.step", "0.momentum_buffer", "1.momentum_buffer",
                "2.momentum_buffer", "3.momentum_buffer"],
            new Sgd(model.Parameters(), 0.1, momentum: 0.9).StateDict().Keys);
    }

    [Fact]
    public void LoadStateDictErrorsLeaveTheOptimizerUnchanged()
    {
        var model = NewModel(305);
        var adam = new Adam(model.Parameters(), learningRate: 0.01);
        Train(model, adam, 0, 2);
        var good = adam.StateDict();

        var noStep = new Dictionary<string, Matrix<double>>(good);
        noStep.Remove("step");
        Expect.ThrowsArgument(() => adam.LoadStateDict(noStep), "Adam.LoadStateDict", "'step'");

        var missing = new Dictionary<string, Matrix<double>>(good) { ["step"] = Matrix<double>.Build.Dense(1, 1, 50) };
        missing.Remove("3.exp_avg_sq");
        Expect.ThrowsArgument(() => adam.LoadStateDict(missing), "Adam.LoadStateDict", "'3.exp_avg_sq'");

        var wrong = new Dictionary<string, Matrix<double>>(good) { ["step"] = Matrix<double>.Build.Dense(1, 1, 50) };
        wrong["0.exp_avg"] = Matrix<double>.Build.Dense(3, 8);
        Expect.ThrowsArgument(() => adam.LoadStateDict(wrong), "Adam.LoadStateDict", "'0.exp_avg'", "3×8", "8×3");

        Assert.Equal(2, adam.StepCount);
        foreach (var (key, value) in adam.StateDict()) Assert.Equal(good[key], value);
    }

    /// <summary>
    /// Steps first+1 … first+count of a model whose second linear layer takes part in the loss only from step
    /// <paramref name="lateFrom"/> on (its gradients are null before: ZeroGrad with setToNone).
    /// </summary>
    private static void TrainWithALateLayer(Linear early, Linear late, Optimizer opt, int first, int count,
        int lateFrom)
    {
        for (int step = first + 1; step <= first + count; step++)
        {
            opt.ZeroGrad(setToNone: true);
            var batch = Enumerable.Range(0, 8).Select(i => (i + 3 * step) % 16).ToArray();
            var x = X.GatherRows(batch);
            var logits = step < lateFrom ? early.Forward(x) : early.Forward(x) + late.Forward(x);
            logits.CrossEntropy(batch.Select(i => Y[i]).ToArray()).Backward();
            opt.Step();
        }
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("Sgd")]
    public void ResumeWithALateParameterIsBitIdentical(string kind)
    {
        // The per-parameter step counts are part of the state: the late layer, at step 3 of 8 when it first has a
        // gradient at step 5, must resume with its own count (0), not the optimiser's (3).
        (Linear, Linear, Sequential) Make(ulong seed)
        {
            var rng = new Rng(seed);
            var early = new Linear(3, 3, rng);
            var late = new Linear(3, 3, rng);
            return (early, late, new Sequential(early, late));
        }
        var (e1, l1, straight) = Make(310);
        var straightOpt = NewOptimizer(kind, straight);
        TrainWithALateLayer(e1, l1, straightOpt, 0, 8, lateFrom: 5);
        Assert.Equal([8, 8, 4, 4], straightOpt.ParameterStepCounts);

        var (e2, l2, first) = Make(310);
        var firstOpt = NewOptimizer(kind, first);
        TrainWithALateLayer(e2, l2, firstOpt, 0, 3, lateFrom: 5);
        var (e3, l3, fresh) = Make(311);
        var freshOpt = NewOptimizer(kind, fresh);
        fresh.LoadStateDict(first.StateDict());
        freshOpt.LoadStateDict(firstOpt.StateDict());
        Assert.Equal([3, 3, 0, 0], freshOpt.ParameterStepCounts);
        TrainWithALateLayer(e3, l3, freshOpt, 3, 5, lateFrom: 5);

        Assert.Equal(straightOpt.ParameterStepCounts, freshOpt.ParameterStepCounts);
        foreach (var (a, b) in straight.NamedParameters().Zip(fresh.NamedParameters()))
            Assert.True(a.Value.Data.Equals(b.Value.Data), $"{a.Name} differs after resuming");
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("Sgd")]
    public void AStateWithOnlyTheOptimizerWideStepStillLoads(string kind)
    {
        // States saved before per-parameter step counts have one 'step'; every parameter gets it (every parameter had a
        // gradient at every step here, so that is exact) and training resumes bit for bit.
        var straightModel = NewModel(306);
        var straightOpt = NewOptimizer(kind, straightModel);
        var straight = Train(straightModel, straightOpt, 0, 8);

        var firstModel = NewModel(306);
        var firstOpt = NewOptimizer(kind, firstModel);
        var resumed = Train(firstModel, firstOpt, 0, 4);
        var old = firstOpt.StateDict();
        foreach (var key in old.Keys.Where(k => k.EndsWith(".step", StringComparison.Ordinal)).ToList())
            old.Remove(key);

        var freshModel = NewModel(307);
        var freshOpt = NewOptimizer(kind, freshModel);
        freshModel.LoadStateDict(firstModel.StateDict());
        freshOpt.LoadStateDict(old);
        Assert.Equal(4, freshOpt.StepCount);
        Assert.Equal([4, 4, 4, 4], freshOpt.ParameterStepCounts);
        resumed.AddRange(Train(freshModel, freshOpt, 4, 4));
        Assert.Equal(straight, resumed);
    }

    [Fact]
    public void PerParameterStepErrorsLeaveTheOptimizerUnchanged()
    {
        var model = NewModel(308);
        var adam = new Adam(model.Parameters(), learningRate: 0.01);
        Train(model, adam, 0, 2);
        var good = adam.StateDict();
        var one = (double v) => Matrix<double>.Build.Dense(1, 1, v);

        var partial = new Dictionary<string, Matrix<double>>(good);
        partial.Remove("2.step");
        Expect.ThrowsArgument(() => adam.LoadStateDict(partial), "Adam.LoadStateDict", "'2.step'", "3 of 4");

        var tooMany = new Dictionary<string, Matrix<double>>(good) { ["1.step"] = one(3) };
        Expect.ThrowsArgument(() => adam.LoadStateDict(tooMany), "Adam.LoadStateDict", "'1.step' is 3", "from 0 to 2");

        var fraction = new Dictionary<string, Matrix<double>>(good) { ["step"] = one(2.5) };
        Expect.ThrowsArgument(() => adam.LoadStateDict(fraction), "Adam.LoadStateDict",
            "'step' is 2.5", "whole number");

        var sgd = new Sgd(model.Parameters(), 0.1, momentum: 0.9);
        Expect.ThrowsArgument(() => sgd.LoadStateDict(good), "Sgd.LoadStateDict", "'0.momentum_buffer'",
            "exp_avg, exp_avg_sq", "different optimiser");
        Assert.Equal(0, sgd.StepCount);

        Assert.Equal(2, adam.StepCount);
        foreach (var (key, value) in adam.StateDict()) Assert.Equal(good[key], value);
    }
}
