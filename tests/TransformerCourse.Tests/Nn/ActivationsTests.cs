using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

/// <summary>The activation modules compute the same values as the ops.</summary>
public class ActivationsTests
{
    [Fact]
    public void ActivationModulesMatchTheOps()
    {
        var x = Tensor.Randn(3, 4, new Rng(227));
        Assert.Equal(x.Relu().Data, new ReLU().Forward(x).Data);
        Assert.Equal(x.Gelu().Data, new GELU().Forward(x).Data);
        Assert.Equal(x.Gelu(true).Data, new GELU(tanhApproximation: true).Forward(x).Data);
        Assert.Equal(x.Tanh().Data, new Tanh().Forward(x).Data);
        Assert.Equal(x.Sigmoid().Data, new Sigmoid().Forward(x).Data);
        Assert.Equal(0, new ReLU().ParameterCount);
    }

    [Fact]
    public void SequentialGradient()
    {
        var rng = new Rng(228);
        var mlp = new Sequential(new Linear(4, 6, rng), new GELU(), new Linear(6, 5, rng), new Tanh(),
            new LayerNorm(5), new Linear(5, 3, rng), new Sigmoid());
        var x = Gen.Param(3, 4, rng, "x");
        Expect.Gradients(() => mlp.Forward(x), [x, .. mlp.Parameters()]);
        Expect.Gradients(() => mlp.Forward(x).CrossEntropy([0, 2, 1], labelSmoothing: 0.1), [x, .. mlp.Parameters()]);
    }
}
