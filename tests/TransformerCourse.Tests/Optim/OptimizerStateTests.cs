using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Optim;

/// <summary>Checkpoints: training N steps straight equals N/2 steps, save, restore into fresh objects, N/2 more — bit for bit.</summary>
public class OptimizerStateTests
{
    private static readonly Tensor X = Tensor.Randn(16, 3, new Rng(300));
    private static readonly int[] Y = Enumerable.Range(0, 16).Select(i => (int)(X.Data[i, 0] + X.Data[i, 1] > 0 ? 1 : 0) + (X.Data[i, 2] > 0.5 ? 1 : 0)).ToArray();

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

    /// <summary>Takes steps first+1 … first+count, with the warm-up schedule setting the rate; returns the losses.</summary>
    private static List<double> Train(Sequential model, Optimizer opt, int first, int count)
    {
        var schedule = new WarmupSchedule(DModel: 8, Warmup: 4, Factor: 0.5);
        var losses = new List<double>();
        for (int step = first + 1; step <= first + count; step++)
        {
            opt.LearningRate = schedule.At(step);
            opt.ZeroGrad();
            var batch = Enumerable.Range(0, 8).Select(i => (i + 3 * step) % 16).ToArray();
            var loss = model.Forward(X.GatherRows(batch)).CrossEntropy(batch.Select(i => Y[i]).ToArray(), labelSmoothing: 0.1);
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
        foreach (var (a, b) in straightModel.NamedParameters().Zip(freshModel.NamedParameters())) Assert.Equal(a.Value.Data, b.Value.Data);
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
        Assert.Equal(["step", "lr", "0.exp_avg", "1.exp_avg", "2.exp_avg", "3.exp_avg", "0.exp_avg_sq", "1.exp_avg_sq", "2.exp_avg_sq", "3.exp_avg_sq"],
            adam.StateDict().Keys);
        Assert.Equal(["step", "lr", "0.momentum_buffer", "1.momentum_buffer", "2.momentum_buffer", "3.momentum_buffer"],
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
        Check.ThrowsArgument(() => adam.LoadStateDict(noStep), "Adam.LoadStateDict", "'step'");

        var missing = new Dictionary<string, Matrix<double>>(good) { ["step"] = Matrix<double>.Build.Dense(1, 1, 50) };
        missing.Remove("3.exp_avg_sq");
        Check.ThrowsArgument(() => adam.LoadStateDict(missing), "Adam.LoadStateDict", "'3.exp_avg_sq'");

        var wrong = new Dictionary<string, Matrix<double>>(good) { ["step"] = Matrix<double>.Build.Dense(1, 1, 50) };
        wrong["0.exp_avg"] = Matrix<double>.Build.Dense(3, 8);
        Check.ThrowsArgument(() => adam.LoadStateDict(wrong), "Adam.LoadStateDict", "'0.exp_avg'", "3×8", "8×3");

        Assert.Equal(2, adam.StepCount);
        foreach (var (key, value) in adam.StateDict()) Assert.Equal(good[key], value);
    }
}
