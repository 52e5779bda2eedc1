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
}
