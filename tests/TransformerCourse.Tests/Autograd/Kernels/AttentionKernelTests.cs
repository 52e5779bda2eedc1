using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Autograd.Kernels;

/// <summary>The attention kernel on its own: plain arrays in, no attention types; checked against
/// hand-computed cases.</summary>
public class AttentionKernelTests
{
    [Fact]
    public void OneHeadOneSequenceIsSoftmaxOfScaledScoresTimesValues()
    {
        // Q = [1 0; 0 1], K = [1 0; 0 1] (d_k = 2, s = 1/√2), V = [1 2; 3 4]: query i scores key i with 1/√2, else 0.
        var q = Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 } });
        var v = Tensor.FromArray(new double[,] { { 1, 2 }, { 3, 4 } });
        var (output, p) = AttentionKernel.Forward(q, 0, q, 0, v, 0, heads: 1, dk: 2, dv: 2, batch: 1, masks: null,
            scale: null, dropout: 0, rng: null);
        double e = Math.Exp(1 / Math.Sqrt(2)), hi = e / (e + 1), lo = 1 / (e + 1);
        Expect.Close(DenseMatrix.OfArray(new[,] { { hi + 3 * lo, 2 * hi + 4 * lo }, { lo + 3 * hi, 2 * lo + 4 * hi } }),
            output.Data, 1e-15, "O = softmax(QKᵀ/√2) V");
        // Pᵀ column-major (T_k×T_q): column i holds query i's weights.
        Assert.Equal(new[] { hi, lo, lo, hi }, p[0].Select(x => Math.Round(x, 15)).ToArray(),
            new RoundedEquality(15));
    }

    [Fact]
    public void AnAdditiveMaskPerSequenceHidesKeysAndHeadsShareIt()
    {
        // Two sequences of 2 tokens, 2 heads of width 1, scale 1. Sequence 1 hides its second key (−∞).
        var q = Tensor.FromArray(new double[,] { { 1, 2 }, { 0, 1 }, { 1, 1 }, { 2, 0 } });
        var k = Tensor.FromArray(new double[,] { { 1, 1 }, { 2, 0 }, { 0, 1 }, { 5, 5 } });
        var v = Tensor.FromArray(new double[,] { { 10, 20 }, { 30, 40 }, { 1, 2 }, { 7, 8 } });
        double[]?[] masks = [null, [0, double.NegativeInfinity, 0, double.NegativeInfinity]];
        var (output, p) = AttentionKernel.Forward(q, 0, k, 0, v, 0, heads: 2, dk: 1, dv: 1, batch: 2, masks,
            scale: 1.0, dropout: 0, rng: null);
        // Sequence 1 sees only its first key, so each of its rows copies that key's value in both heads.
        Assert.Equal(1.0, output.Data[2, 0]);
        Assert.Equal(2.0, output.Data[2, 1]);
        Assert.Equal(1.0, output.Data[3, 0]);
        Assert.Equal(2.0, output.Data[3, 1]);
        // Sequence 0, head 0, query 0: scores 1·1 = 1 and 1·2 = 2 → weights 1/(1+e), e/(1+e).
        double w = 1 / (1 + Math.E);
        Assert.Equal(w * 10 + (1 - w) * 30, output.Data[0, 0], 12);
        Assert.Equal(4, p.Length);                  // blocks b·h + h
        Assert.Equal(0.0, p[2][1]);                 // sequence 1, head 0, query 0: hidden key 1 gets nothing
    }

    [Fact]
    public void ShapesThatDoNotFitAreNamed()
    {
        var x = Tensor.Zeros(6, 4);
        Expect.ThrowsArgument(() => AttentionKernel.Forward(x, 0, x, 0, x, 0, 2, 2, 2, 4, null, null, 0, null),
            "FusedAttention", "B=4");
        Expect.ThrowsArgument(() => AttentionKernel.Forward(x, 0, x, 0, x, 2, 2, 2, 2, 2, null, null, 0, null),
            "FusedAttention", "do not fit");
    }

    private sealed class RoundedEquality(int digits) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Round(a, digits) == Math.Round(b, digits);
        public int GetHashCode(double x) => Math.Round(x, digits).GetHashCode();
    }
}
