using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

/// <summary>The <see cref="LayerNorm"/> module (its values and gradients are tested in LayerTests and LayerNormOpTests).</summary>
public class LayerNormTests
{
    [Fact]
    public void ForwardRejectsNaNAndInfinity()
    {
        var ln = new LayerNorm(5);
        var x = Tensor.Randn(4, 5, new Rng(227), requiresGrad: true);
        x.Data[3, 4] = double.NaN;
        Expect.ThrowsArgument(() => ln.Forward(x), "LayerNorm", "4×5 input", "NaN at row 3, column 4");
        x.Data[3, 4] = 0;
        x.Data[0, 2] = double.PositiveInfinity;
        Expect.ThrowsArgument(() => ln.Forward(x), "LayerNorm", "4×5 input", "at row 0, column 2");
        x.Data[0, 2] = 0;
        Assert.All(ln.Forward(x).Data.Enumerate(), v => Assert.True(double.IsFinite(v)));
    }
}
