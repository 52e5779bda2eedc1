using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests;

/// <summary>Small models that must learn, and runs that must repeat exactly.</summary>
public class EndToEndTests
{
    private static readonly Tensor XorInputs =
        Tensor.FromArray(new double[,] { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 } });
    private static readonly int[] XorLabels = [0, 1, 1, 0];

    /// <summary>A 2-layer MLP on XOR with cross-entropy and Adam; returns the loss at every step.</summary>
    private static (double[] Losses, Sequential Model) FitXor(ulong seed, int steps = 300, double dropout = 0)
    {
        var rng = new Rng(seed);
        var model = dropout > 0
            ? new Sequential(new Linear(2, 8, rng), new Tanh(), new Dropout(dropout, rng), new Linear(8, 2, rng))
            : new Sequential(new Linear(2, 8, rng), new Tanh(), new Linear(8, 2, rng));
        var opt = new Adam(model.Parameters(), learningRate: 0.05);
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            opt.ZeroGrad();
            var loss = model.Forward(XorInputs).CrossEntropy(XorLabels);
            loss.Backward();
            opt.Step();
            losses[step] = loss.Item();
        }
        return (losses, model);
    }

    [Fact]
    public void MlpLearnsXor()
    {
        var (losses, model) = FitXor(seed: 1);
        // Chance is ln 2 = 0.693 (a linear model cannot do better on XOR); the MLP must get far below it.
        Assert.InRange(losses[0], 0.5, 1.0);
        Assert.True(losses[^1] < 0.01, $"final loss {losses[^1]}");
        model.Eval();
        using (Tensor.NoGrad())
        {
            var logits = model.Forward(XorInputs).Data;
            for (int i = 0; i < 4; i++) Assert.Equal(XorLabels[i], logits.Row(i).MaximumIndex());
        }
    }

    [Fact]
    public void LinearRegressionRecoversTheMap()
    {
        // y = x·Aᵀ + b exactly, for a known A (2×3) and b; SGD with momentum on the mean squared error.
        var rng = new Rng(2);
        var a = Tensor.FromArray(new double[,] { { 1.5, -2.0, 0.5 }, { 0.0, 3.0, -1.0 } });
        var b = Tensor.Row(0.25, -0.75);
        var x = Tensor.Randn(64, 3, rng);
        var y = x.MatMul(a, transposeOther: true).Add(b);

        var lin = new Linear(3, 2, rng);
        var opt = new Sgd(lin.Parameters(), learningRate: 0.1, momentum: 0.9);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            opt.ZeroGrad();
            var loss = lin.Forward(x).Sub(y).Square().Mean();
            loss.Backward();
            opt.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(first > 1, $"initial loss {first}");
        Assert.True(last < 1e-12, $"final loss {last}");
        Expect.Close(a.Data, lin.Weight.Data, 1e-6, "weight");
        Expect.Close(b.Data, lin.Bias!.Data, 1e-6, "bias");
    }

    [Fact]
    public void SameSeedBitIdenticalLossesDifferentSeedDifferent()
    {
        // Dropout draws from the seeded generator too, so the whole run (initialisation and masks) repeats exactly.
        var run1 = FitXor(seed: 7, steps: 60, dropout: 0.2).Losses;
        var run2 = FitXor(seed: 7, steps: 60, dropout: 0.2).Losses;
        var other = FitXor(seed: 8, steps: 60, dropout: 0.2).Losses;
        Assert.Equal(run1, run2);
        Assert.NotEqual(run1, other);
        Assert.All(run1.Zip(other), p => Assert.NotEqual(p.First, p.Second));
    }
}
