using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

/// <summary>Linear and Embedding with PyTorch's parameters loaded by name, against PyTorch 1.13 in float64.</summary>
public class TorchModuleTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void Linear()
    {
        var f = TorchFixture.Load("linear");
        var lin = new Linear(f.ConfigInt("in_features"), f.ConfigInt("out_features"), new Rng(1));
        lin.LoadStateDict(f.Parameters()); // "weight" [4, 5] and "bias" [4], by PyTorch's names
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = lin.Forward(x);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
        Expect.Close(f.Matrix("grad.weight"), lin.Weight.Grad!, Tol, "∂W");
        Expect.Close(f.Matrix("grad.bias"), lin.Bias!.Grad!, Tol, "∂b");
    }

    [Theory]
    [InlineData("embedding")]
    [InlineData("embedding_padding")]
    public void Embedding(string name)
    {
        var f = TorchFixture.Load(name);
        int pad = f.ConfigInt("padding_idx");
        var emb = new Embedding(f.ConfigInt("num_embeddings"), f.ConfigInt("embedding_dim"),
            new Rng(1), pad >= 0 ? pad : null);
        if (pad >= 0) Assert.Equal(0.0, emb.Weight.Data.Row(pad).AbsoluteMaximum()); // as PyTorch initialises it
        emb.LoadStateDict(f.Parameters());
        var y = emb.Forward(f.Ints("input.indices")); // (2, 4) ids → 8 rows
        Expect.Close(f.Matrix("output.y"), y.Data, 0, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad.weight"), emb.Weight.Grad!, Tol, "∂weight");
    }
}
