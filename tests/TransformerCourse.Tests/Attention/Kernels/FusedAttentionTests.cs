using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Attention.Kernels;


public class FusedAttentionTests
{
    /// <summary>The readable version run for every sequence and head, concatenated — the
    /// reference for the fused op.</summary>
    private static (Tensor Output, Matrix<double>[,] Weights) Unfused(Tensor q, Tensor k, Tensor v, int heads,
        int batch, AttentionMask mask)
    {
        int tq = q.Rows / batch, tk = k.Rows / batch, dk = q.Cols / heads, dv = v.Cols / heads;
        var rows = new Tensor[batch];
        var weights = new Matrix<double>[batch, heads];
        for (int b = 0; b < batch; b++)
        {
            var m = mask.ForSequence(b, tq, tk);
            var cols = new Tensor[heads];
            for (int h = 0; h < heads; h++)
            {
                var r = ScaledDotProductAttention.Forward(
                    q.SliceRows(b * tq, tq).SliceCols(h * dk, dk),
                    k.SliceRows(b * tk, tk).SliceCols(h * dk, dk),
                    v.SliceRows(b * tk, tk).SliceCols(h * dv, dv), m);
                cols[h] = r.Output;
                weights[b, h] = r.Weights.Data;
            }
            rows[b] = Tensor.ConcatCols(cols);
        }
        return (Tensor.ConcatRows(rows), weights);
    }

    public static TheoryData<int, int, int, int, int, int, bool> Cases => new()
    {
        // batch, heads, tq, tk, dk, dv, causal
        { 1, 1, 3, 3, 4, 4, false },
        { 2, 3, 4, 4, 2, 3, true },
        { 3, 2, 2, 5, 3, 2, false },
        { 4, 4, 16, 16, 8, 8, true },   // big enough to run blocks in parallel
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AgreesWithTheReadableVersionOnValuesWeightsAndGradients(int batch, int heads, int tq, int tk,
        int dk, int dv, bool causal)
    {
        var rng = new Rng((ulong)(batch * 1000 + heads * 100 + tq * 10 + tk));
        var q = Gen.Param(batch * tq, heads * dk, rng);
        var k = Gen.Param(batch * tk, heads * dk, rng);
        var v = Gen.Param(batch * tk, heads * dv, rng);
        var lengths = Enumerable.Range(0, batch).Select(b => Math.Max(1, tk - b)).ToArray();
        var mask = new AttentionMask(causal: causal && tq == tk, keyLengths: lengths);
        var upstream = Tensor.Randn(batch * tq, heads * dv, rng);

        var fused = FusedAttention.Forward(q, k, v, heads, batch, mask);
        fused.Output.Mul(upstream).Sum().Backward();
        var (gq, gk, gv) = (q.Grad!.Clone(), k.Grad!.Clone(), v.Grad!.Clone());
        q.Grad = k.Grad = v.Grad = null;
        var (reference, weights) = Unfused(q, k, v, heads, batch, mask);
        reference.Mul(upstream).Sum().Backward();

        Expect.Close(reference.Data, fused.Output.Data, 1e-12, "output");
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                Expect.Close(weights[b, h], fused.Weights.Get(b, h), 1e-13, $"weights[{b},{h}]");
        Expect.Close(q.Grad!, gq, 1e-12, "grad Q");
        Expect.Close(k.Grad!, gk, 1e-12, "grad K");
        Expect.Close(v.Grad!, gv, 1e-12, "grad V");
    }

    [Fact]
    public void ProviderPathAndSimdPathAgree()
    {
        // The per-block products go to the linear-algebra provider when it is native, to SIMD loops when it is
        // MathNet's managed one; both must give the same numbers.
        var rng = new Rng(13);
        var q = Gen.Param(3 * 5, 2 * 3, rng);
        var k = Gen.Param(3 * 6, 2 * 3, rng);
        var v = Gen.Param(3 * 6, 2 * 4, rng);
        var mask = new AttentionMask(keyLengths: [6, 4, 1]);
        var upstream = Tensor.Randn(3 * 5, 2 * 4, rng);
        (Matrix<double> Y, Matrix<double> Gq, Matrix<double> Gk, Matrix<double> Gv) Run()
        {
            q.Grad = k.Grad = v.Grad = null;
            var y = FusedAttention.Forward(q, k, v, 2, 3, mask).Output;
            y.Mul(upstream).Sum().Backward();
            return (y.Data, q.Grad!, k.Grad!, v.Grad!);
        }
        var simd = Run();
        FastGemm.AlwaysUseProvider.Value = true;
        var provider = Run();
        FastGemm.AlwaysUseProvider.Value = false;
        Expect.Close(simd.Y, provider.Y, 1e-13, "output");
        Expect.Close(simd.Gq, provider.Gq, 1e-13, "grad Q");
        Expect.Close(simd.Gk, provider.Gk, 1e-13, "grad K");
        Expect.Close(simd.Gv, provider.Gv, 1e-13, "grad V");
    }

    [Fact]
    public void PassesGradientCheckWithMasksAndASharedInput()
    {
        var rng = new Rng(11);
        var x = Gen.Param(2 * 3, 4, rng, "x");
        var k = Gen.Param(2 * 4, 4, rng, "K");
        var v = Gen.Param(2 * 4, 6, rng, "V");
        // Self-attention straight on x (Q = K = V = x: one tensor receiving three gradients).
        Expect.Gradients(() => FusedAttention.Forward(x, x, x, 2, 2,
            new AttentionMask(causal: true, keyLengths: [3, 2])).Output, x);
        Expect.Gradients(() => FusedAttention.Forward(x, k, v, 2, 2,
            new AttentionMask(keyLengths: [4, 2])).Output, x, k, v);
        var bias = DenseMatrix.Create(3, 4, (i, j) => 0.3 * (i - j));
        Expect.Gradients(() => FusedAttention.Forward(x, k, v, 1, 2, new AttentionMask(additive: bias),
            scale: 1.0).Output, x, k, v);
    }

    [Fact]
    public void ScaleOneIsPlainDotProductAttention()
    {
        var rng = new Rng(12);
        var q = Tensor.Randn(2, 3, rng);
        var k = Tensor.Randn(4, 3, rng);
        var v = Tensor.Randn(4, 2, rng);
        var r = FusedAttention.Forward(q, k, v, 1, 2, scale: 1.0);
        // Sequence 0: one query (row 0) over keys 0, 1.
        var s = q.Data.SubMatrix(0, 1, 0, 3) * k.Data.SubMatrix(0, 2, 0, 3).Transpose();
        var p = SoftmaxFunctions.Rows(s);
        Expect.Close(p * v.Data.SubMatrix(0, 2, 0, 2), r.Output.Data.SubMatrix(0, 1, 0, 2), 1e-14, "sequence 0");
    }

    [Fact]
    public void ErrorsNameTheOperationAndShapes()
    {
        var x = Tensor.Zeros(6, 4);
        Expect.ThrowsArgument(() => FusedAttention.Forward(x, Tensor.Zeros(6, 3), x, 2, 2),
            "FusedAttention", "6×4", "6×3");
        Expect.ThrowsArgument(() => FusedAttention.Forward(x, x, x, 2, 4), "FusedAttention", "B=4");
        Expect.ThrowsArgument(() => FusedAttention.Forward(x, x, x, 2, 2,
            new AttentionMask(additive: DenseMatrix.Create(2, 3, 0))), "additive mask is 2×3", "3×3");
        Expect.ThrowsArgument(() => FusedAttention.Forward(x, x, x, 2, 2,
            new AttentionMask(keyPadding: new bool[3, 3])), "3×3", "B×T_k = 2×3");
        var big = Tensor.Randn(8 * 32, 16, new Rng(1));
        big.Data[37, 3] = double.NaN; // in a block that runs in parallel with others
        Expect.ThrowsArgument(() => FusedAttention.Forward(big, big, big, 1, 8), "FusedAttention", "NaN");
    }

    [Fact]
    public void ANaNInOneQueryIsRefusedByBothPaths()
    {
        var q = Tensor.Randn(4, 3, new Rng(2));
        var k = Tensor.Randn(4, 3, new Rng(3));
        var v = Tensor.Randn(4, 2, new Rng(4));
        q.Data[1, 0] = double.NaN;    // the whole score row of query 1 is NaN: no finite maximum to subtract

        using (KernelSwitch.Use(fused: false))
            Assert.Contains("NaN",
                Assert.ThrowsAny<ArgumentException>(() => ScaledDotProductAttention.Forward(q, k, v)).Message);
        Expect.ThrowsArgument(() => FusedAttention.Forward(q, k, v, 1, 1), "FusedAttention", "NaN");
    }
}
