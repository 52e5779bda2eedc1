using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Optim;

/// <summary>Three optimiser steps, clipping and the warm-up schedule against PyTorch 1.13 in float64.</summary>
public class TorchOptimTests
{
    private const double Tol = 1e-12;
    private static readonly string[] Names = ["weight", "bias"];

    [Theory]
    [InlineData("adam", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("adam_l2", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("adamw", new[] { "exp_avg", "exp_avg_sq" })]
    [InlineData("sgd_momentum", new[] { "momentum_buffer" })]
    public void ThreeSteps(string name, string[] buffers)
    {
        var f = TorchFixture.Load(name);
        var ps = Names.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        double lr = f.ConfigDouble("lr"), wd = f.ConfigDouble("weight_decay");
        Optimizer opt = f.ConfigString("optimizer") switch
        {
            "Adam" => new Adam(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "AdamW" => new AdamW(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "SGD" =>
                new Sgd(ps, lr, f.ConfigDouble("momentum"), wd, f.ConfigDouble("dampening"), f.ConfigBool("nesterov")),
            var other => throw new ArgumentException(other),
        };
        for (int step = 1; step <= f.ConfigInt("steps"); step++)
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = f.Matrix($"grad.{Names[i]}.step{step}");
            opt.Step();
            var state = opt.StateDict();
            for (int i = 0; i < ps.Length; i++)
            {
                Expect.Close(f.Matrix($"param.{Names[i]}.after_step{step}"), ps[i].Data, Tol,
                    $"{Names[i]} after step {step}");
                foreach (var b in buffers)
                    Expect.Close(f.Matrix($"state.{Names[i]}.{b}.after_step{step}"), state[$"{i}.{b}"], Tol,
                        $"{Names[i]}.{b} after step {step}");
            }
        }
    }

    [Theory]
    [InlineData("clip_grad_norm")]
    [InlineData("clip_grad_norm_unclipped")]
    public void ClipGradNorm(string name)
    {
        var f = TorchFixture.Load(name);
        var ps = Names.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        for (int i = 0; i < ps.Length; i++) ps[i].Grad = f.Matrix($"grad.{Names[i]}.before");
        double norm = GradClip.ClipGradNorm(ps, f.ConfigDouble("max_norm"));
        Expect.Close(f.Scalar("output.total_norm"), norm, Tol, "norm");
        for (int i = 0; i < ps.Length; i++) Expect.Close(f.Matrix($"grad.{Names[i]}.after"), ps[i].Grad!, Tol,
            $"{Names[i]} gradient");
    }

    [Fact]
    public void WarmupSchedule()
    {
        var f = TorchFixture.Load("warmup_schedule");
        var s = new WarmupSchedule(f.ConfigInt("d_model"), f.ConfigInt("warmup"));
        var steps = f.Ints("input.step");
        var lr = f.Data("output.lr");
        for (int i = 0; i < steps.Length; i++) Expect.Close(lr[i], s.At(steps[i]), 1e-18, $"lr at step {steps[i]}");
    }
}
