using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>Learned positions: one trained row per position.</summary>
public class LearnedPositionalEncodingTests
{
    [Fact]
    public void LearnedPositionsAreTrainedPerPosition()
    {
        var rng = new Rng(60);
        var pe = new LearnedPositionalEncoding(5, 3, rng);
        var x = Gen.Param(2 * 4, 3, rng, "x");
        var y = pe.Forward(x, 4);
        Expect.Close(x.Data.Row(5) + pe.Weight.Data.Row(1), y.Data.Row(5), 1e-15, "row 1·4+1 gets P[1]");
        Expect.Gradients(() => pe.Forward(x, 4), pe.Weight, x);
        pe.Weight.Grad = null;
        pe.Forward(x, 4).Sum().Backward();
        Assert.Equal(0.0, pe.Weight.Grad!.Row(4).L2Norm()); // position 4 unused
        Expect.Close(DenseVector.Create(3, 2.0), pe.Weight.Grad.Row(0), 0, "two sequences use position 0");
        Assert.Equal(new[] { "weight" }, pe.NamedParameters().Select(p => p.Name));
    }
}
