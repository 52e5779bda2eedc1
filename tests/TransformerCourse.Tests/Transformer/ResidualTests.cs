using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The residual connection with layer norm after (post-LN) or before (pre-LN) the sublayer.</summary>
public class ResidualTests
{
    [Fact]
    public void PostAndPreLayerNormPlacements()
    {
        var rng = new Rng(71);
        var norm = new LayerNorm(4);
        var dropout = new Dropout(0, rng);
        var x = Gen.Param(3, 4, rng, "x");
        Tensor F(Tensor t) => t.Tanh().Scale(2);
        var post = Residual.Apply(x, F, norm, dropout, NormPlacement.PostLN);
        Expect.Close(norm.Forward(x + F(x)).Data, post.Data, 0, "post-LN");
        var pre = Residual.Apply(x, F, norm, dropout, NormPlacement.PreLN);
        Expect.Close((x + F(norm.Forward(x))).Data, pre.Data, 0, "pre-LN");
        // Post-LN rows have mean 0 and variance ≈ 1; pre-LN keeps the identity path (x shows through).
        for (int i = 0; i < 3; i++) Assert.Equal(0.0, post.Data.Row(i).Sum(), 12);
        Expect.Gradients(() => Residual.Apply(x, F, norm, dropout, NormPlacement.PreLN), x, norm.Weight);
        Expect.Gradients(() => Residual.Apply(x, F, norm, dropout, NormPlacement.PostLN), x, norm.Weight);
    }
}
