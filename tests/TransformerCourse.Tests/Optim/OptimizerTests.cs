using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Optim;

/// <summary>
/// State per parameter, as in PyTorch: a parameter whose gradient is null is skipped, and its step count (Adam's bias
/// correction) and buffers start at the first step at which it has a gradient.
/// </summary>
public class OptimizerTests
{
    private const double Tol = 1e-12;
    private static readonly string[] Names = ["a", "b"];

    private static Optimizer Make(TorchFixture f, Tensor[] ps)
    {
        double lr = f.ConfigDouble("lr"), wd = f.ConfigDouble("weight_decay");
        return f.ConfigString("optimizer") switch
        {
            "Adam" => new Adam(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "AdamW" => new AdamW(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "SGD" => new Sgd(ps, lr, f.ConfigDouble("momentum"), wd, f.ConfigDouble("dampening"),
                f.ConfigBool("nesterov")),
            var other => throw new ArgumentException(other),
        };
    }

    [Theory]
    [InlineData("adam_late_param", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("adamw_late_param", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("sgd_momentum_late_param", new[] { "momentum_buffer" })]
    public void AParameterWhoseFirstGradientComesLaterStartsItsOwnState(string name, string[] buffers)
    {
        // PyTorch 1.13: parameter a has a gradient from step 1, b's .grad is None until step 3.
        var f = TorchFixture.Load(name);
        Assert.Equal(3, f.ConfigInt("b_first_grad_step"));
        var ps = Names.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        var opt = Make(f, ps);
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
}
