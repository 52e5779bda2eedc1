using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd;

/// <summary>Layer norm, cross-entropy and GELU against PyTorch 1.13 in float64 (tests/fixtures/torch).</summary>
public class TorchOpTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void LayerNorm()
    {
        var f = TorchFixture.Load("layer_norm");
        var x = Tensor.Parameter(f.Matrix("input.x"));            // (batch 2, time 3, 8) → 6×8
        var gamma = Tensor.Parameter(f.Matrix("param.weight"));   // [8] → 1×8
        var beta = Tensor.Parameter(f.Matrix("param.bias"));
        var y = x.LayerNorm(gamma, beta, f.ConfigDouble("eps"));
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
        Expect.Close(f.Matrix("grad.weight"), gamma.Grad!, Tol, "∂γ");
        Expect.Close(f.Matrix("grad.bias"), beta.Grad!, Tol, "∂β");
    }

    [Theory]
    [InlineData("cross_entropy_plain")]
    [InlineData("cross_entropy_smoothing")]
    [InlineData("cross_entropy_smoothing_ignore")]
    public void CrossEntropy(string name)
    {
        var f = TorchFixture.Load(name);
        var logits = Tensor.Parameter(f.Matrix("input.logits"));
        var loss =
            logits.CrossEntropy(f.Ints("input.target"), f.ConfigInt("ignore_index"), f.ConfigDouble("label_smoothing"));
        Expect.Close(f.Scalar("output.loss"), loss.Item(), Tol, "loss");
        loss.Backward();
        Expect.Close(f.Matrix("grad_input.logits"), logits.Grad!, Tol, "∂logits");
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    public void Gelu(string name)
    {
        var f = TorchFixture.Load(name);
        bool tanh = f.ConfigString("approximate") == "tanh";
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = x.Gelu(tanh);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
    }
}
