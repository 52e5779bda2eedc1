using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Attention;

public class ScaledDotProductAttentionTests
{
    [Fact]
    public void HandComputedTwoByTwo()
    {
        // d_k = 4, so the scores are divided by 2. Q·K₀ = 2 and Q·K₁ = 0 → scaled 1 and 0.
        var q = Tensor.FromArray(new double[,] { { 1, 1, 0, 0 } });
        var k = Tensor.FromArray(new double[,] { { 1, 1, 0, 0 }, { 0, 0, 1, 1 } });
        var v = Tensor.FromArray(new double[,] { { 10, 0 }, { 0, 10 } });
        var r = ScaledDotProductAttention.Forward(q, k, v);
        double w0 = Math.E / (Math.E + 1), w1 = 1 / (Math.E + 1);
        Expect.Close(DenseMatrix.OfArray(new[,] { { w0, w1 } }), r.Weights.Data, 1e-15, "weights");
        Expect.Close(DenseMatrix.OfArray(new[,] { { 10 * w0, 10 * w1 } }), r.Output.Data, 1e-13, "output");
        // Hiding key 0 puts all weight on key 1.
        var masked =
            ScaledDotProductAttention.Forward(q, k, v, DenseMatrix.OfArray(new[,] { { double.NegativeInfinity, 0 } }));
        Expect.Close(DenseMatrix.OfArray(new[,] { { 0.0, 10 } }), masked.Output.Data, 0, "masked output");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void ReadableVersionMatchesPyTorchPerSequence()
    {
        var f = TorchFixture.Load("scaled_dot_product_attention");
        var (q, k, v) = (Input(f, "q"), Input(f, "k"), Input(f, "v"));
        var mask = Masks.FromFlags(Flags(f, "mask"));
        int batch = Batch(f, "q"), tq = Time(f, "q"), tk = Time(f, "k");
        var outputs = new List<Tensor>();
        var weights = new List<Tensor>();
        for (int b = 0; b < batch; b++)
        {
            var r = ScaledDotProductAttention.Forward(q.SliceRows(b * tq, tq), k.SliceRows(b * tk, tk),
                v.SliceRows(b * tk, tk),
                mask.SubMatrix(b * tq, tq, 0, tk));
            outputs.Add(r.Output);
            weights.Add(r.Weights);
        }
        var y = Tensor.ConcatRows(outputs.ToArray());
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        Expect.Close(f.Matrix("output.weights"), Tensor.ConcatRows(weights.ToArray()).Data, Tol, "weights");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.q"), q.Grad!, Tol, "grad q");
        Expect.Close(f.Matrix("grad_input.k"), k.Grad!, Tol, "grad k");
        Expect.Close(f.Matrix("grad_input.v"), v.Grad!, Tol, "grad v");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void FusedVersionMatchesPyTorchInOneCall()
    {
        var f = TorchFixture.Load("scaled_dot_product_attention");
        var (q, k, v) = (Input(f, "q"), Input(f, "k"), Input(f, "v"));
        var mask = new AttentionMask(perSequence: Masks.FromFlags(Flags(f, "mask")));
        var r = FusedAttention.Forward(q, k, v, heads: 1, batch: Batch(f, "q"), mask);
        Expect.Close(f.Matrix("output.y"), r.Output.Data, Tol, "y");
        var expected = f.Data("output.weights");
        int n = 0;
        for (int b = 0; b < r.Weights.Batch; b++)
            for (int i = 0; i < r.Weights.QueryLength; i++)
                for (int j = 0; j < r.Weights.KeyLength; j++)
                    Expect.Close(expected[n++], r.Weights[b, 0, i, j], Tol, "weight");
        BackwardUpstream(r.Output, f);
        Expect.Close(f.Matrix("grad_input.q"), q.Grad!, Tol, "grad q");
        Expect.Close(f.Matrix("grad_input.k"), k.Grad!, Tol, "grad k");
        Expect.Close(f.Matrix("grad_input.v"), v.Grad!, Tol, "grad v");
    }

    [Fact]
    public void ReadableVersionPassesGradientCheck()
    {
        var rng = new Rng(10);
        var q = Gen.Param(3, 4, rng, "Q");
        var k = Gen.Param(5, 4, rng, "K");
        var v = Gen.Param(5, 2, rng, "V");
        Expect.Gradients(() => ScaledDotProductAttention.Forward(q, k, v).Output, q, k, v);
        var mask = Masks.Combine(Masks.Causal(5).SubMatrix(0, 3, 0, 5), Masks.Padding(4, 5));
        Expect.Gradients(() => ScaledDotProductAttention.Forward(q, k, v, mask).Output, q, k, v);
    }
}
