using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Optim;

public class SgdTests
{
    private static Tensor P(double value) => Tensor.FromArray(new double[,] { { value } }, requiresGrad: true);

    private static void Grad(Tensor p, double g) => p.Grad = Tensor.Scalar(g).Data;

    [Fact]
    public void PlainStep()
    {
        var p = P(1.0);
        var sgd = new Sgd([p], learningRate: 0.1);
        Grad(p, 2.0);
        sgd.Step();
        Expect.Close(0.8, p.Data[0, 0], 1e-16);
    }

    [Fact]
    public void MomentumByHand()
    {
        // b₁ = g₁; θ₁ = θ₀ − ηb₁.  b₂ = μb₁ + g₂; θ₂ = θ₁ − ηb₂.  (μ = 0.9, η = 0.1, g₁ = 1, g₂ = 2)
        var p = P(1.0);
        var sgd = new Sgd([p], learningRate: 0.1, momentum: 0.9);
        Grad(p, 1.0);
        sgd.Step();
        Expect.Close(0.9, p.Data[0, 0], 1e-16);
        Grad(p, 2.0);
        sgd.Step();
        Expect.Close(0.9 - 0.1 * (0.9 * 1.0 + 2.0), p.Data[0, 0], 1e-15);
        Expect.Close(2.9, sgd.StateDict()["0.momentum_buffer"][0, 0], 1e-15);
    }

    [Fact]
    public void NesterovDampeningAndWeightDecayByHand()
    {
        // Nesterov: g ← g + μb.  Step 1: b = g = 1, update 1 + 0.9 = 1.9.  Step 2: b = 0.9
        // + 2 = 2.9, update 2 + 0.9·2.9.
        var p = P(1.0);
        var nesterov = new Sgd([p], learningRate: 0.1, momentum: 0.9, nesterov: true);
        Grad(p, 1.0);
        nesterov.Step();
        Expect.Close(1.0 - 0.19, p.Data[0, 0], 1e-15);
        Grad(p, 2.0);
        nesterov.Step();
        Expect.Close(0.81 - 0.1 * (2 + 0.9 * 2.9), p.Data[0, 0], 1e-15);

        // Dampening τ: b₂ = μb₁ + (1 − τ)g₂ (the first buffer is g₁ undamped).
        var q = P(0.0);
        var damped = new Sgd([q], learningRate: 1.0, momentum: 0.5, dampening: 0.5);
        Grad(q, 1.0);
        damped.Step();
        Grad(q, 1.0);
        damped.Step();
        Expect.Close(-1.0 - (0.5 + 0.5), q.Data[0, 0], 1e-15);

        // Weight decay λ: g ← g + λθ.
        var r = P(2.0);
        var decayed = new Sgd([r], learningRate: 0.1, weightDecay: 0.25);
        Grad(r, 0.0);
        decayed.Step();
        Expect.Close(2.0 - 0.1 * 0.5, r.Data[0, 0], 1e-15);

        Expect.ThrowsArgument(() => new Sgd([P(0)], 0.1, momentum: 0, nesterov: true), "Sgd", "Nesterov");
    }

    [Fact]
    public void MomentumBufferStartsAtTheParametersFirstGradient()
    {
        // As in PyTorch, the buffer is per parameter: `late` first has a gradient at step 2, so its buffer starts as
        // b = g (undamped), not μ·0 + (1 − τ)g. μ = 0.5, τ = 0.5, η = 1, g = 1: θ = 0 − 1 at step 2,
        // then b = 0.5·1 + 0.5·1 = 1 again at step 3.
        var always = P(0.0);
        var late = P(0.0);
        var sgd = new Sgd([always, late], learningRate: 1.0, momentum: 0.5, dampening: 0.5);
        Grad(always, 1.0);
        sgd.Step();
        Assert.Equal(0.0, late.Data[0, 0]);
        Grad(late, 1.0);
        sgd.Step();
        Expect.Close(-1.0, late.Data[0, 0], 1e-15);
        Expect.Close(1.0, sgd.StateDict()["1.momentum_buffer"][0, 0], 1e-15);
        sgd.Step();
        Expect.Close(-2.0, late.Data[0, 0], 1e-15);
        Expect.Close(-3.0, always.Data[0, 0], 1e-15); // its b is 1 at every step: 1, then 0.5·1 + 0.5·1, ...
        Assert.Equal([3, 2], sgd.ParameterStepCounts);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void ThreeStepsWithMomentumMatchPyTorch() => StepsMatchPyTorch("sgd_momentum", ["momentum_buffer"]);
}
