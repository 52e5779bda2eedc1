using TransformerCourse.Autograd;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Optim;

public class AdamTests
{
    private static Tensor WithGrad(double[,] value, double[,] grad)
    {
        var p = Tensor.FromArray(value, requiresGrad: true);
        p.Grad = Tensor.FromArray(grad).Data;
        return p;
    }

    [Fact]
    public void FirstStepByHand()
    {
        // Step 1: m = (1 − β₁)g, v = (1 − β₂)g², so m̂ = g and √v̂ = |g|: θ ← θ − η·g/(|g| + ε).
        var p = WithGrad(new double[,] { { 1.0, -2.0, 0.5 } }, new double[,] { { 0.5, -3.0, 1e-3 } });
        var adam = new Adam([p], learningRate: 0.1, eps: 1e-8);
        adam.Step();
        Expect.Close(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), p.Data[0, 0], 1e-15);
        Expect.Close(-2.0 + 0.1 * 3.0 / (3.0 + 1e-8), p.Data[0, 1], 1e-15);
        Expect.Close(0.5 - 0.1 * 1e-3 / (1e-3 + 1e-8), p.Data[0, 2], 1e-15);
        Assert.Equal(1, adam.StepCount);

        var state = adam.StateDict();
        Expect.Close(0.1 * 0.5, state["0.exp_avg"][0, 0], 1e-16);
        Expect.Close(0.001 * 9.0, state["0.exp_avg_sq"][0, 1], 1e-16);
    }

    [Fact]
    public void SecondStepByHand()
    {
        // Same gradient g twice: m = (1 − β₁²)g and v = (1 − β₂²)g², so the bias-corrected step is again η·g/(|g| + ε).
        var p = WithGrad(new double[,] { { 1.0 } }, new double[,] { { 2.0 } });
        var adam = new Adam([p], learningRate: 0.01, beta1: 0.9, beta2: 0.98, eps: 1e-9);
        adam.Step();
        adam.Step();
        Expect.Close(1.0 - 2 * 0.01 * 2.0 / (2.0 + 1e-9), p.Data[0, 0], 1e-15);
    }

    [Fact]
    public void AdamWDecaysTheWeightsDirectly()
    {
        // A zero gradient leaves m = v = 0, so the only change is θ ← θ(1 − ηλ).
        var p = WithGrad(new double[,] { { 2.0, -4.0 } }, new double[,] { { 0, 0 } });
        var adamw = new AdamW([p], learningRate: 0.1, weightDecay: 0.5);
        adamw.Step();
        Assert.Equal(new double[,] { { 2.0 * 0.95, -4.0 * 0.95 } }, p.ToArray());
        Assert.True(adamw.Decoupled);
    }

    [Fact]
    public void AdamL2AddsDecayToTheGradient()
    {
        // A zero gradient becomes g = λθ, and the first step moves by η·g/(|g| + ε).
        var p = WithGrad(new double[,] { { 2.0 } }, new double[,] { { 0 } });
        var adam = new Adam([p], learningRate: 0.1, weightDecay: 0.5);
        adam.Step();
        Expect.Close(2.0 - 0.1 * 1.0 / (1.0 + 1e-8), p.Data[0, 0], 1e-15);
        Assert.False(adam.Decoupled);
    }

    [Fact]
    public void DefaultsMatchPyTorch()
    {
        var p = Tensor.Zeros(1, 1, requiresGrad: true);
        var adam = new Adam([p]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0),
            (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Eps, adam.WeightDecay));
        var adamw = new AdamW([p]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 1e-2),
            (adamw.LearningRate, adamw.Beta1, adamw.Beta2, adamw.Eps, adamw.WeightDecay));
    }

    [Fact]
    public void ParameterWithoutGradientIsLeftAlone()
    {
        var used = WithGrad(new double[,] { { 1.0 } }, new double[,] { { 1.0 } });
        var unused = Tensor.FromArray(new double[,] { { 5.0 } }, requiresGrad: true);
        var adamw = new AdamW([used, unused], learningRate: 0.1);
        adamw.Step();
        Assert.Equal(5.0, unused.Data[0, 0]);
        Assert.NotEqual(1.0, used.Data[0, 0]);
    }

    [Fact]
    public void BiasCorrectionCountsOnlyTheParametersOwnSteps()
    {
        // As in PyTorch, t is per parameter. `late` first has a gradient at step 3, so its step 3 is its step 1:
        // θ ← θ − η·g/(|g| + ε) (m̂ = g, √v̂ = |g|). A global t = 3 would give m̂ = 0.1g/(1 − 0.9³) = 0.369g instead.
        // `gap` has a gradient at steps 1 and 3 but none at step 2: step 3 is its step 2, and with the same gradient
        // twice the bias-corrected step is again η·g/(|g| + ε) (see SecondStepByHand).
        var always = WithGrad(new double[,] { { 0.0 } }, new double[,] { { 1.0 } });
        var late = Tensor.FromArray(new double[,] { { 1.0, -2.0 } }, requiresGrad: true);
        var gap = WithGrad(new double[,] { { 3.0 } }, new double[,] { { 2.0 } });
        var adam = new Adam([always, late, gap], learningRate: 0.01, beta1: 0.9, beta2: 0.98, eps: 1e-9);
        adam.Step();
        gap.Grad = null;
        adam.Step();
        Expect.Close(3.0 - 0.01 * 2.0 / (2.0 + 1e-9), gap.Data[0, 0], 1e-15);
        Assert.Equal(new double[,] { { 1.0, -2.0 } }, late.ToArray());
        late.Grad = Tensor.FromArray(new double[,] { { 0.5, -4.0 } }).Data;
        gap.Grad = Tensor.FromArray(new double[,] { { 2.0 } }).Data;
        adam.Step();
        Expect.Close(1.0 - 0.01 * 0.5 / (0.5 + 1e-9), late.Data[0, 0], 1e-15);
        Expect.Close(-2.0 + 0.01 * 4.0 / (4.0 + 1e-9), late.Data[0, 1], 1e-15);
        Expect.Close(3.0 - 2 * 0.01 * 2.0 / (2.0 + 1e-9), gap.Data[0, 0], 1e-15);
        var state = adam.StateDict();
        Expect.Close(0.1 * 0.5, state["1.exp_avg"][0, 0], 1e-16);
        Expect.Close(0.02 * 16.0, state["1.exp_avg_sq"][0, 1], 1e-15);
        Assert.Equal(3, adam.StepCount);
        Assert.Equal([3, 1, 2], adam.ParameterStepCounts);
    }

    [Fact]
    public void ConstructorErrors()
    {
        Expect.ThrowsArgument(() => new Adam([]), "Adam", "no parameters");
        Expect.ThrowsArgument(() => new Adam([Tensor.Zeros(1, 1)]), "Adam", "does not require a gradient");
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([Tensor.Zeros(1, 1, true)], beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([Tensor.Zeros(1, 1, true)], learningRate: -1));
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.01, false)]
    [InlineData(0.01, true)]
    public void EveryElementFollowsTheUpdateRule(double weightDecay, bool decoupled)
    {
        // Lengths 1…9 cover the SIMD blocks and the remainder; three steps; the rule written out element by element
        // (same operations in the same order, so the numbers must be exactly equal).
        const double lr = 0.01, b1 = 0.9, b2 = 0.98, eps = 1e-9;
        for (int n = 1; n <= 9; n++)
        {
            var rng = new Rng((ulong)(200 + n));
            var p = Tensor.Randn(1, n, rng, requiresGrad: true);
            var theta = p.Data.Row(0).ToArray();
            var m = new double[n];
            var v = new double[n];
            Optimizer adam = decoupled ? new AdamW([p], lr, b1, b2, eps, weightDecay)
                : new Adam([p], lr, b1, b2, eps, weightDecay);
            for (int t = 1; t <= 3; t++)
            {
                var grad = Tensor.Randn(1, n, rng).Data;
                p.Grad = grad.Clone();
                adam.Step();
                double stepSize = lr / (1 - Math.Pow(b1, t)), sqrtBias2 = Math.Sqrt(1 - Math.Pow(b2, t));
                for (int k = 0; k < n; k++)
                {
                    double g = grad[0, k];
                    if (decoupled) theta[k] *= 1 - lr * weightDecay;
                    else g += weightDecay * theta[k];
                    m[k] = b1 * m[k] + (1 - b1) * g;
                    v[k] = b2 * v[k] + (1 - b2) * g * g;
                    theta[k] -= stepSize * m[k] / (Math.Sqrt(v[k]) / sqrtBias2 + eps);
                    Assert.Equal(theta[k], p.Data[0, k]);
                }
            }
        }
    }

    [Fact]
    public void NaNEpsilonWeightDecayOrLearningRateAreRefusedWhereTheyAreSet()
    {
        var p = () => new[] { WithGrad(new double[,] { { 1 } }, new double[,] { { 1 } }) };
        Expect.ThrowsArgument(() => new Adam(p(), eps: double.NaN), "Adam: ε must be a positive number");
        Expect.ThrowsArgument(() => new Adam(p(), eps: -1e-8), "Adam: ε must be a positive number");
        Expect.ThrowsArgument(() => new Adam(p(), weightDecay: double.NaN), "Adam: weight decay must be a finite");
        Expect.ThrowsArgument(() => new Adam(p(), learningRate: double.NaN), "Adam: the learning rate must be");
        var adam = new Adam(p());
        Expect.ThrowsArgument(() => adam.LearningRate = double.NaN, "Adam: the learning rate must be a finite number");
        Expect.ThrowsArgument(() => adam.LearningRate = double.PositiveInfinity, "Adam: the learning rate must be");
        Assert.Equal(1e-3, adam.LearningRate);                 // unchanged by the refused values
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, false)]
    [InlineData(0.1, true)]
    public void TheReadableLoopAndTheSimdKernelGiveTheSameParameters(double weightDecay, bool decoupled)
    {
        Tensor Train(bool fused)
        {
            using var path = KernelSwitch.Use(fused);
            var rng = new Rng(303);
            var p = Tensor.Randn(7, 5, rng, requiresGrad: true);   // 35 values: SIMD vectors and a remainder
            Adam adam = decoupled ? new AdamW([p], 0.01, weightDecay: weightDecay)
                : new Adam([p], 0.01, weightDecay: weightDecay);
            for (int step = 0; step < 3; step++)
            {
                adam.ZeroGrad();
                p.Square().Sum().Backward();
                adam.Step();
            }
            return p;
        }
        Assert.Equal(Train(fused: false).Data.ToArray(), Train(fused: true).Data.ToArray());
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("adam")]
    [InlineData("adam_l2")]
    [InlineData("adamw")]
    public void ThreeStepsMatchPyTorch(string name) => StepsMatchPyTorch(name, ["exp_avg", "exp_avg_sq"]);
}
