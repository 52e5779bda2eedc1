using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public class OnlineSoftmaxAttentionTests
{
    private const double Tol = 1e-12;

    private static (Tensor Q, Tensor K, Tensor V) Inputs(int tq, int tk, int dk, int dv, ulong seed)
    {
        var rng = new Rng(seed);
        return (Tensor.Randn(tq, dk, rng, std: 2.0, requiresGrad: true),
            Tensor.Randn(tk, dk, rng, std: 2.0, requiresGrad: true),
            Tensor.Randn(tk, dv, rng, requiresGrad: true));
    }

    /// <summary>
    /// Runs attention on fresh inputs and back-propagates a fixed random ∂O; returns the output and ∂Q, ∂K, ∂V.
    /// </summary>
    private static Matrix<double>[] OutputAndGrads(Func<Tensor, Tensor, Tensor, Tensor> attention, int tq, int tk,
        int dk, int dv)
    {
        var (q, k, v) = Inputs(tq, tk, dk, dv, 7);
        var y = attention(q, k, v);
        y.Backward(Tensor.Randn(tq, dv, new Rng(99)).Data);
        return [y.Data, q.Grad!, k.Grad!, v.Grad!];
    }

    private static void AssertSame(Matrix<double>[] expected, Matrix<double>[] actual, string what)
    {
        string[] names = ["output", "∂Q", "∂K", "∂V"];
        for (int i = 0; i < names.Length; i++) Expect.CloseRelative(expected[i], actual[i], Tol, $"{what}: {names[i]}");
    }

    /// <summary>A mask of each kind, T_q×T_k, for the plain attention; "causal" is also passed as the flag.</summary>
    private static Matrix<double>? MaskOf(string kind, int tq, int tk) => kind switch
    {
        "none" => null,
        "padding" => Masks.Padding(Math.Max(1, tk - 3), tk),                                       // 1×T_k
        "causal" => DenseMatrix.Create(tq, tk, (i, j) => j > i ? double.NegativeInfinity : 0.0),
        "bias" => Tensor.Randn(tq, tk, new Rng(5)).Data,                                           // finite bias
        "padding+causal" => DenseMatrix.Create(tq, tk,
            (i, j) => j > i || j >= Math.Max(1, tk - 3) ? double.NegativeInfinity : 0.0),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [InlineData(7, 7, 4, 3, 1, "none")]
    [InlineData(7, 7, 4, 3, 3, "none")]
    [InlineData(7, 7, 4, 3, 64, "none")]
    [InlineData(16, 16, 8, 8, 4, "padding")]
    [InlineData(13, 13, 8, 5, 4, "causal")]
    [InlineData(13, 13, 8, 5, 1, "causal")]
    [InlineData(13, 13, 8, 5, 32, "causal")]
    [InlineData(10, 10, 6, 6, 3, "padding+causal")]
    [InlineData(5, 11, 4, 2, 4, "bias")]
    [InlineData(9, 6, 16, 4, 2, "padding")]
    [InlineData(1, 9, 4, 4, 2, "none")]
    public void OutputsAndGradientsEqualScaledDotProductAttention(int tq, int tk, int dk, int dv, int block,
        string kind)
    {
        var mask = MaskOf(kind, tq, tk);
        bool causal = kind.Contains("causal", StringComparison.Ordinal);
        var plain = OutputAndGrads((q, k, v) => ScaledDotProductAttention.Forward(q, k, v, mask).Output, tq, tk, dk,
            dv);
        // The causal part given as the flag (tiles above the diagonal skipped) or inside the additive matrix.
        var flagged = causal ? DenseMatrix.Create(tq, tk, (i, j) => j >= Math.Max(1, tk - 3) && kind != "causal"
            ? double.NegativeInfinity : 0.0) : mask;
        var online = OutputAndGrads((q, k, v) => OnlineSoftmaxAttention.Forward(q, k, v, flagged, causal, block),
            tq, tk, dk, dv);
        AssertSame(plain, online, $"T_q={tq} T_k={tk} d_k={dk} B={block} {kind}");
        if (causal)
        {
            var inMatrix = OutputAndGrads((q, k, v) => OnlineSoftmaxAttention.Forward(q, k, v, mask, false, block),
                tq, tk, dk, dv);
            AssertSame(plain, inMatrix, $"{kind} as a matrix, B={block}");
        }
    }

    [Fact]
    public void AFullyHiddenRowGivesZerosAndZeroGradientsLikeThePlainAttention()
    {
        // Query 2 sees no key; the others see keys 0..3 of 6.
        var mask = DenseMatrix.Create(4, 6, (i, j) => i == 2 || j > 3 ? double.NegativeInfinity : 0.0);
        var plain = OutputAndGrads((q, k, v) => ScaledDotProductAttention.Forward(q, k, v, mask).Output, 4, 6, 3, 2);
        var online = OutputAndGrads((q, k, v) => OnlineSoftmaxAttention.Forward(q, k, v, mask, blockSize: 2),
            4, 6, 3, 2);
        AssertSame(plain, online, "a fully hidden row");
        Assert.Equal(0.0, online[0].Row(2).AbsoluteMaximum());
        Assert.Equal(0.0, online[1].Row(2).AbsoluteMaximum());
        // Keys 4 and 5 are hidden from everyone: they get no gradient.
        Assert.Equal(0.0, online[2].SubMatrix(4, 2, 0, 3).Enumerate().Max(Math.Abs));
        Assert.Equal(0.0, online[3].SubMatrix(4, 2, 0, 2).Enumerate().Max(Math.Abs));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public void TheBatchMaskOfEverySequenceEqualsThePlainAttentionWithItsMatrix(int block)
    {
        const int batch = 3, tq = 7, tk = 9;
        var mask = new AttentionMask(causal: true, keyLengths: [9, 5, 2],
            additive: Tensor.Randn(tq, tk, new Rng(3)).Data,
                perSequence: Tensor.Randn(batch * tq, tk, new Rng(4)).Data);
        var padded = new bool[batch, tk];
        padded[0, 4] = true;
        var flags = new AttentionMask(keyPadding: padded);
        foreach (var m in new[] { mask, flags })
        {
            for (int b = 0; b < batch; b++)
            {
                var matrix = m.ForSequence(b, tq, tk);
                var plain = OutputAndGrads((q, k, v) => ScaledDotProductAttention.Forward(q, k, v, matrix).Output,
                    tq, tk, 4, 3);
                var online = OutputAndGrads((q, k, v) => OnlineSoftmaxAttention.Forward(q, k, v, m, batch, b, block),
                    tq, tk, 4, 3);
                AssertSame(plain, online, $"sequence {b}, B={block}, causal={m.Causal}");
            }
        }
    }

    [Fact]
    public void TheBackwardPassesAFiniteDifferenceCheck()
    {
        var (q, k, v) = Inputs(5, 7, 3, 2, 11);
        Expect.Gradients(() => OnlineSoftmaxAttention.Forward(q, k, v, blockSize: 2), q, k, v);
        var padding = Masks.Padding(5, 7);
        Expect.Gradients(() => OnlineSoftmaxAttention.Forward(q, k, v, padding, causal: true, blockSize: 3), q, k, v);
    }

    [Fact]
    public void SelfAttentionWithOneTensorAsQKAndVAddsAllThreeGradients()
    {
        var plain = Tensor.Randn(6, 4, new Rng(2), requiresGrad: true);
        var online = Tensor.Randn(6, 4, new Rng(2), requiresGrad: true);
        var seed = Tensor.Randn(6, 4, new Rng(3)).Data;
        ScaledDotProductAttention.Forward(plain, plain, plain).Output.Backward(seed);
        OnlineSoftmaxAttention.Forward(online, online, online, blockSize: 4).Backward(seed);
        Expect.CloseRelative(plain.Grad!, online.Grad!, Tol, "∂X");
    }

    [Fact]
    public void BadInputGetsAnErrorNamingTheOperationAndShapes()
    {
        var (q, k, v) = Inputs(4, 5, 3, 2, 1);
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, v, v), "OnlineSoftmaxAttention", "4×3", "5×2");
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, q), "OnlineSoftmaxAttention", "4×3");
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, v, blockSize: 0), "block size");
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, v, Masks.Padding(2, 4)), "1×4", "4×5");
        var nanMask = DenseMatrix.Create(4, 5, (i, j) => i == 1 && j == 1 ? double.NaN : 0.0);
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, v, nanMask), "NaN");
        var withNaN = Tensor.Randn(4, 3, new Rng(1));
        withNaN.Data[3, 0] = double.NaN;
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(withNaN, k, v, blockSize: 2), "query 2", "NaN");
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, v, new AttentionMask(keyLengths: [5]), 2, 0),
            "1 key lengths", "2 sequences");
        Expect.ThrowsArgument(() => OnlineSoftmaxAttention.Forward(q, k, v, null, 2, 2), "sequence 2", "batch of 2");
    }
}
