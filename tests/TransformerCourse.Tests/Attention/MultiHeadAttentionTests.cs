using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Attention;

public class MultiHeadAttentionTests
{
    private static MultiHeadAttention FromFixture(TorchFixture f)
    {
        var mha = new MultiHeadAttention(f.ConfigInt("embed_dim"), f.ConfigInt("num_heads"), new Rng(1));
        LoadParams(mha, f);
        return mha;
    }

    private static void AssertWeights(TorchFixture f, AttentionWeights w)
    {
        var expected = f.Data("output.weights");
        var shape = f.Shape("output.weights");
        Assert.Equal(shape, new[] { w.Batch, w.Heads, w.QueryLength, w.KeyLength });
        int k = 0;
        for (int b = 0; b < w.Batch; b++)
            for (int h = 0; h < w.Heads; h++)
                for (int i = 0; i < w.QueryLength; i++)
                    for (int j = 0; j < w.KeyLength; j++, k++)
                        Expect.Close(expected[k], w[b, h, i, j], Tol, $"weights[{b},{h},{i},{j}]");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void SelfAttentionWithKeyPaddingAndCausalMaskMatchesPyTorch()
    {
        var f = TorchFixture.Load("mha_self");
        var mha = FromFixture(f);
        var x = Input(f, "x");
        int batch = Batch(f, "x");
        var y = mha.Forward(x, x, x, batch, Mask(f, "key_padding_mask", "attn_mask"));
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        AssertWeights(f, mha.LastWeights!);
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "grad x");
        AssertParamGrads(mha, f);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void SelfAttentionFromLengthsGivesTheSameAsPyTorchsMasks()
    {
        var f = TorchFixture.Load("mha_self");
        var lengths = ConfigLengths(f, "key_lengths");
        Assert.Equal(lengths, LengthsFromFlags(Flags(f, "key_padding_mask")));
        var mha = FromFixture(f);
        var x = Input(f, "x");
        var batch = new SequenceBatch(Batch(f, "x"), Time(f, "x"), lengths);
        var y = mha.SelfAttention(x, batch, causal: f.ConfigBool("causal"));
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "grad x");
        AssertParamGrads(mha, f);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void ThreeDifferentInputsMatchPyTorch()
    {
        var f = TorchFixture.Load("mha_qkv");
        var mha = FromFixture(f);
        var (q, k, v) = (Input(f, "query"), Input(f, "key"), Input(f, "value"));
        var y = mha.Forward(q, k, v, Batch(f, "query"), Mask(f, "key_padding_mask"));
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        AssertWeights(f, mha.LastWeights!);
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.query"), q.Grad!, Tol, "grad query");
        Expect.Close(f.Matrix("grad_input.key"), k.Grad!, Tol, "grad key");
        Expect.Close(f.Matrix("grad_input.value"), v.Grad!, Tol, "grad value");
        AssertParamGrads(mha, f);
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void CrossAttentionMatchesPyTorch()
    {
        var f = TorchFixture.Load("mha_cross");
        var mha = FromFixture(f);
        var (q, memory) = (Input(f, "query"), Input(f, "memory"));
        var memoryBatch = new SequenceBatch(Batch(f, "memory"), Time(f, "memory"), ConfigLengths(f, "key_lengths"));
        var y = mha.CrossAttention(q, memory, memoryBatch);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        AssertWeights(f, mha.LastWeights!);
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.query"), q.Grad!, Tol, "grad query");
        Expect.Close(f.Matrix("grad_input.memory"), memory.Grad!, Tol, "grad memory");
        AssertParamGrads(mha, f);
    }

    [Fact]
    public void ParametersHavePyTorchNamesAndShapes()
    {
        var mha = new MultiHeadAttention(12, 3, new Rng(2));
        var names = mha.NamedParameters().Select(p => (p.Name, string.Join(",", p.Shape))).ToArray();
        Assert.Equal(new[]
        {
            ("in_proj_weight", "36,12"), ("in_proj_bias", "36"), ("out_proj.weight", "12,12"), ("out_proj.bias", "12"),
        }, names);
        Assert.Equal(4, mha.DK);
    }

    [Fact]
    public void OutputShapesAndKeptWeightsForEveryCall()
    {
        var rng = new Rng(3);
        var mha = new MultiHeadAttention(8, 2, rng);
        var x = Tensor.Randn(3 * 4, 8, rng);
        var memory = Tensor.Randn(3 * 6, 8, rng);
        var y = mha.SelfAttention(x, new SequenceBatch(3, 4, [4, 2, 1]));
        Assert.Equal((12, 8), (y.Rows, y.Cols));
        Assert.Equal((3, 2, 4, 4), (mha.LastWeights!.Batch, mha.LastWeights.Heads, mha.LastWeights.QueryLength,
            mha.LastWeights.KeyLength));
        // Padded keys get no weight; every row sums to 1.
        for (int h = 0; h < 2; h++)
        {
            var w = mha.LastWeights.Get(2, h);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(1.0, w.Row(i).Sum(), 12);
                for (int j = 1; j < 4; j++) Assert.Equal(0.0, w[i, j]);
            }
        }
        var z = mha.CrossAttention(x, memory, new SequenceBatch(3, 6, [6, 5, 2]));
        Assert.Equal((12, 8), (z.Rows, z.Cols));
        Assert.Equal(6, mha.LastWeights.KeyLength);
        Assert.Equal(4, mha.LastWeights.QueryLength);
        Expect.Close(mha.LastWeights.Get(1, 0).RowSums(), Vector<double>.Build.Dense(4, 1.0), 1e-12, "rows sum to 1");
        Assert.Equal(0.0, mha.LastWeights[2, 1, 3, 5]);
    }

    [Fact]
    public void GradientCheckSelfCrossAndGeneral()
    {
        var rng = new Rng(4);
        var mha = new MultiHeadAttention(6, 3, rng);
        foreach (var p in mha.Parameters()) p.Data.MapInplace(v => v + 0.1 * rng.NextGaussian()); // non-zero biases
        var x = Gen.Param(2 * 3, 6, rng, "x");
        var m = Gen.Param(2 * 4, 6, rng, "memory");
        var v = Gen.Param(2 * 4, 6, rng, "value");
        var inputs = mha.Parameters().Append(x).ToArray();
        Expect.Gradients(() => mha.SelfAttention(x, new SequenceBatch(2, 3, [3, 2]), causal: true), inputs);
        Expect.Gradients(() => mha.CrossAttention(x, m, new SequenceBatch(2, 4, [2, 4])), inputs.Append(m).ToArray());
        Expect.Gradients(() => mha.Forward(x, m, v, 2, new AttentionMask(keyLengths: [4, 3])),
            inputs.Append(m).Append(v).ToArray());
    }

    [Fact]
    public void AttentionDropoutActsOnlyInTrainingAndKeepsTheExpectation()
    {
        var rng = new Rng(5);
        var mha = new MultiHeadAttention(8, 2, rng, dropout: 0.5);
        var x = Tensor.Randn(2 * 5, 8, rng);
        var batch = new SequenceBatch(2, 5);
        mha.Eval();
        var clean = mha.SelfAttention(x, batch).Data;
        Expect.Close(clean, mha.SelfAttention(x, batch).Data, 0, "evaluation is deterministic");
        mha.Train();
        var first = mha.SelfAttention(x, batch).Data;
        var second = mha.SelfAttention(x, batch).Data;
        Assert.True((first - second).FrobeniusNorm() > 1e-6, "two training calls draw different masks");
        // The mean over many dropout masks approaches the clean output (inverted dropout keeps the expectation).
        var mean = Matrix<double>.Build.Dense(10, 8);
        const int draws = 2000;
        for (int i = 0; i < draws; i++) mean += mha.SelfAttention(x, batch).Data;
        mean /= draws;
        Expect.Close(clean, mean, 0.05, "mean over dropout masks");
    }

    [Fact]
    public void ErrorsNameTheOperationAndShapes()
    {
        var mha = new MultiHeadAttention(8, 2, new Rng(6));
        Expect.ThrowsArgument(() => mha.SelfAttention(Tensor.Zeros(10, 6), new SequenceBatch(2, 5)),
            "MultiHeadAttention", "10×6", "d_model is 8");
        Expect.ThrowsArgument(() => mha.SelfAttention(Tensor.Zeros(9, 8), new SequenceBatch(2, 5)),
            "MultiHeadAttention", "9×8", "B·T = 10");
        Expect.ThrowsArgument(() => mha.Forward(Tensor.Zeros(6, 8), Tensor.Zeros(8, 8), Tensor.Zeros(8, 8), 2,
            new AttentionMask(keyLengths: [4, 5])),
            "key length 5", "[0, 4]");
        Expect.ThrowsArgument(() => new MultiHeadAttention(10, 3, new Rng(1)), "d_model=10", "h=3");
    }

    // ---- the readable path (ScaledDotProductAttention per sequence and head) and the fused kernel agree --------

    /// <summary>What the readable path runs: projections, Q_h K_hᵀ, softmax, · V_h, heads concatenated.</summary>
    private static readonly string[] PaperOps = ["MatMul", "SliceCols", "Softmax", "ConcatCols"];
    private static readonly string[] FusedOps = ["FusedAttention"];

    private static (MultiHeadAttention Mha, Tensor Query, Tensor Memory) Setup(ulong seed, int tq = 5, int tk = 4,
        bool bias = true, RotaryEmbedding? rotary = null, double dropout = 0.0)
    {
        var rng = new Rng(seed);
        var mha = new MultiHeadAttention(8, 2, rng, dropout, bias, rotary);
        foreach (var p in mha.Parameters()) p.Data.MapInplace(_ => rng.NextGaussian() * 0.5); // non-zero biases
        var query = Tensor.Randn(2 * tq, 8, rng, requiresGrad: true);
        var memory = Tensor.Randn(2 * tk, 8, rng, requiresGrad: true);
        return (mha, query, memory);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void SelfAttentionIsTheSameOnTheReadableAndTheFusedPath(bool causal, bool padded)
    {
        BothPaths.AssertSame($"self causal={causal} padded={padded}", () =>
        {
            var (mha, x, _) = Setup(3);
            var batch = new SequenceBatch(2, 5, padded ? [3, 5] : null);
            return (mha.SelfAttention(x, batch, causal), mha, [x]);
        }, PaperOps, FusedOps);
    }

    [Fact]
    public void CrossAttentionIsTheSameOnTheReadableAndTheFusedPath()
    {
        BothPaths.AssertSame("cross", () =>
        {
            var (mha, x, memory) = Setup(4);
            return (mha.CrossAttention(x, memory, new SequenceBatch(2, 4, [2, 4])), mha, [x, memory]);
        }, PaperOps, FusedOps);
    }

    [Fact]
    public void SeparateKeyAndValueAndAnAdditiveMaskAreTheSameOnBothPaths()
    {
        BothPaths.AssertSame("query, key, value apart; additive and padding mask", () =>
        {
            var (mha, x, memory) = Setup(5, bias: false);
            var value = Tensor.Randn(memory.Rows, 8, new Rng(6), requiresGrad: true);
            var additive = Tensor.Randn(5, 4, new Rng(7)).Data;
            var mask = new AttentionMask(keyLengths: [3, 4], additive: additive);
            return (mha.Forward(x, memory, value, 2, mask), mha, [x, memory, value]);
        }, PaperOps, FusedOps);
    }

    [Fact]
    public void RotaryAndDropoutAreTheSameOnBothPaths()
    {
        BothPaths.AssertSame("rotary, attention dropout in training", () =>
        {
            var (mha, x, _) = Setup(8, rotary: new RotaryEmbedding(4), dropout: 0.3);
            mha.Train();
            return (mha.SelfAttention(x, new SequenceBatch(2, 5, [5, 4]), causal: true), mha, [x]);
        }, [.. PaperOps, "RotaryEmbedding", "Mul"], FusedOps);
    }

    [Fact]
    public void TheReadablePathKeepsTheSameWeights()
    {
        var (mha, x, _) = Setup(9);
        var batch = new SequenceBatch(2, 5, [4, 5]);
        mha.SelfAttention(x, batch, causal: true);
        var fused = mha.LastWeights!.ToArray();
        using (KernelSwitch.Use(fused: false)) mha.SelfAttention(x, batch, causal: true);
        var readable = mha.LastWeights!.ToArray();
        Assert.Equal(fused.Length, readable.Length);
        foreach (var (f, r) in fused.Cast<double>().Zip(readable.Cast<double>())) Assert.Equal(f, r, 1e-14);
    }

    // ---- grouped-query and multi-query attention: g key/value heads shared by h query heads ------------------

    private const int GroupedD = 12, GroupedH = 6, GroupedDk = 2;

    /// <summary>
    /// A layer with g key/value heads and random weights, and a standard one (h key/value heads) whose W^K, W^V rows
    /// and biases for head i are the grouped layer's for head i / (h/g); W^Q and W^O are the same.
    /// </summary>
    private static (MultiHeadAttention Grouped, MultiHeadAttention Full) GroupedPair(int g, bool rotary)
    {
        var rng = new Rng(40 + (ulong)g);
        var grouped = new MultiHeadAttention(GroupedD, GroupedH, rng, rotary: rotary ? new RotaryEmbedding(2) : null,
            kvHeads: g);
        foreach (var p in grouped.Parameters()) p.Data.MapInplace(_ => rng.NextGaussian() * 0.5);
        var full = new MultiHeadAttention(GroupedD, GroupedH, new Rng(1), rotary: grouped.Rotary);
        var w = full.InProjWeight.Data;
        var b = full.InProjBias!.Data;
        for (int row = 0; row < 3 * GroupedD; row++)
        {
            int source = GroupedSourceRow(row, g);
            w.SetRow(row, grouped.InProjWeight.Data.Row(source));
            b[0, row] = grouped.InProjBias![0, source];
        }
        full.OutProj.Weight.Data.SetSubMatrix(0, 0, grouped.OutProj.Weight.Data);
        full.OutProj.Bias!.Data.SetSubMatrix(0, 0, grouped.OutProj.Bias!.Data);
        return (grouped, full);
    }

    /// <summary>The grouped layer's in_proj row that row <paramref name="row"/> of the standard layer copies.</summary>
    private static int GroupedSourceRow(int row, int g)
    {
        if (row < GroupedD) return row;                                    // W^Q
        int part = (row - GroupedD) / GroupedD, r = (row - GroupedD) % GroupedD;   // 0 = K, 1 = V
        int head = r / GroupedDk, kvHead = head / (GroupedH / g);
        return GroupedD + part * g * GroupedDk + kvHead * GroupedDk + r % GroupedDk;
    }

    [Theory]
    [InlineData(1, true, false)]
    [InlineData(2, true, false)]
    [InlineData(3, false, false)]
    [InlineData(3, true, true)]
    [InlineData(1, false, true)]
    [InlineData(6, true, false)]
    public void GroupedQueryAttentionEqualsStandardAttentionWithRepeatedKeyValueWeights(int g, bool fused,
        bool rotary)
    {
        using var _ = KernelSwitch.Use(fused);
        var (grouped, full) = GroupedPair(g, rotary);
        Assert.Equal(g, grouped.KvHeads);
        var seed = Tensor.Randn(2 * 5, GroupedD, new Rng(3)).Data;
        var results = new List<(Tensor Self, Tensor Cross, Tensor X, Tensor Memory)>();
        foreach (var layer in new[] { grouped, full })
        {
            var x = Tensor.Randn(2 * 5, GroupedD, new Rng(4), requiresGrad: true);
            var memory = Tensor.Randn(2 * 4, GroupedD, new Rng(5), requiresGrad: true);
            var self = layer.SelfAttention(x, new SequenceBatch(2, 5, [5, 3]), causal: true);
            var cross = rotary ? self : layer.CrossAttention(x, memory, new SequenceBatch(2, 4, [2, 4]));
            (self + cross).Backward(seed);
            results.Add((self, cross, x, memory));
        }
        var (gr, fu) = (results[0], results[1]);
        Expect.CloseRelative(fu.Self.Data, gr.Self.Data, 1e-12, $"g={g}: self-attention");
        Expect.CloseRelative(fu.Cross.Data, gr.Cross.Data, 1e-12, $"g={g}: cross-attention");
        Expect.CloseRelative(fu.X.Grad!, gr.X.Grad!, 1e-12, $"g={g}: ∂x");
        if (!rotary) Expect.CloseRelative(fu.Memory.Grad!, gr.Memory.Grad!, 1e-12, $"g={g}: ∂memory");
        // A shared K/V row's gradient is the sum of the gradients of the h/g rows that copy it.
        var expected = new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(GroupedD + 2 * g * GroupedDk, GroupedD);
        var expectedBias = new MathNet.Numerics.LinearAlgebra.Double.DenseMatrix(1, expected.RowCount);
        for (int row = 0; row < 3 * GroupedD; row++)
        {
            int source = GroupedSourceRow(row, g);
            expected.SetRow(source, expected.Row(source) + full.InProjWeight.Grad!.Row(row));
            expectedBias[0, source] += full.InProjBias!.Grad![0, row];
        }
        Expect.CloseRelative(expected, grouped.InProjWeight.Grad!, 1e-12, $"g={g}: ∂in_proj_weight");
        Expect.CloseRelative(expectedBias, grouped.InProjBias!.Grad!, 1e-12, $"g={g}: ∂in_proj_bias");
        Expect.CloseRelative(full.OutProj.Weight.Grad!, grouped.OutProj.Weight.Grad!, 1e-12, $"g={g}: ∂W^O");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void WithAsManyKeyValueHeadsAsQueryHeadsItIsPyTorchsMultiHeadAttention()
    {
        var f = TorchFixture.Load("mha_self");
        int heads = f.ConfigInt("num_heads");
        var mha = new MultiHeadAttention(f.ConfigInt("embed_dim"), heads, new Rng(1), kvHeads: heads);
        LoadParams(mha, f);
        AssertSelfAttentionMatchesPyTorch(mha, f);
    }

    /// <summary>mha_self's forward with its masks: output, ∂x and the parameters' gradients against PyTorch.</summary>
    private static void AssertSelfAttentionMatchesPyTorch(MultiHeadAttention mha, TorchFixture f)
    {
        var x = Input(f, "x");
        var y = mha.Forward(x, x, x, Batch(f, "x"), Mask(f, "key_padding_mask", "attn_mask"));
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "grad x");
        AssertParamGrads(mha, f);
    }

    [Theory]
    [InlineData(1, 364)]
    [InlineData(2, 416)]
    [InlineData(3, 468)]
    [InlineData(6, 624)]
    public void ParameterCountFollowsTheFormula(int g, int byHand)
    {
        // d·(d + 2·g·d_k) + (d + 2·g·d_k) + d² + d, with d = 12, d_k = 2: e.g. g = 1: 12·16 + 16 + 144 + 12 = 364.
        int d = GroupedD, rows = d + 2 * g * GroupedDk;
        Assert.Equal(byHand, d * rows + rows + d * d + d);
        var mha = new MultiHeadAttention(d, GroupedH, new Rng(1), kvHeads: g);
        Assert.Equal(byHand, mha.ParameterCount);
        Assert.Equal(rows, mha.InProjWeight.Rows);
        Assert.Equal(g * GroupedDk, mha.KvDim);
        var noBias = new MultiHeadAttention(d, GroupedH, new Rng(1), bias: false, kvHeads: g);
        Assert.Equal(d * rows + d * d, noBias.ParameterCount);
    }

    [Fact]
    public void KeyValueHeadsThatDoNotDivideTheQueryHeadsAreRefused()
    {
        Expect.ThrowsArgument(() => new MultiHeadAttention(12, 6, new Rng(1), kvHeads: 4), "g=4", "h=6");
        Expect.ThrowsArgument(() => new MultiHeadAttention(12, 6, new Rng(1), kvHeads: 0), "g=0", "h=6");
        Expect.ThrowsArgument(() => new MultiHeadAttention(12, 6, new Rng(1), kvHeads: 12), "g=12", "h=6");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void GroupedAttentionIsTheSameOnTheReadableAndTheFusedPath(int g)
    {
        BothPaths.AssertSame($"grouped g={g}: self, then cross with value apart, rotary and dropout", () =>
        {
            var rng = new Rng(50);
            var mha = new MultiHeadAttention(8, 4, rng, 0.2, rotary: new RotaryEmbedding(2), kvHeads: g);
            foreach (var p in mha.Parameters()) p.Data.MapInplace(_ => rng.NextGaussian() * 0.5);
            mha.Train();
            var x = Tensor.Randn(2 * 5, 8, rng, requiresGrad: true);
            var memory = Tensor.Randn(2 * 5, 8, rng, requiresGrad: true);
            var self = mha.SelfAttention(x, new SequenceBatch(2, 5, [4, 5]), causal: true);
            var mask = new AttentionMask(keyLengths: [3, 5], additive: Tensor.Randn(5, 5, new Rng(8)).Data);
            var apart = mha.Forward(self, memory, x, 2, mask);
            return (apart, mha, [x, memory]);
        }, PaperOps, FusedOps);
    }

    // ---- the online-softmax option: the same layer, tiled attention per sequence and head -----------------------

    [Theory]
    [InlineData(4, false, 1)]
    [InlineData(4, false, 2)]
    [InlineData(2, true, 3)]
    [InlineData(1, true, 64)]
    public void OnlineSoftmaxAttentionGivesTheSameOutputsAndGradientsAsThePlainLayer(int g, bool rotary, int block)
    {
        List<Matrix<double>> Run(int? online)
        {
            var rng = new Rng(60);
            var mha = new MultiHeadAttention(8, 4, rng, rotary: rotary ? new RotaryEmbedding(2) : null,
                kvHeads: g) { OnlineBlockSize = online };
            foreach (var p in mha.Parameters()) p.Data.MapInplace(_ => rng.NextGaussian() * 0.5);
            var x = Tensor.Randn(2 * 7, 8, rng, requiresGrad: true);
            var memory = Tensor.Randn(2 * 5, 8, rng, requiresGrad: true);
            var self = mha.SelfAttention(x, new SequenceBatch(2, 7, [7, 4]), causal: true);
            var padded = new bool[2, 5];
            padded[1, 0] = true;
            var mask = new AttentionMask(keyLengths: [3, 5], keyPadding: padded,
                additive: Tensor.Randn(7, 5, new Rng(8)).Data);
            var y = mha.Forward(self, memory, memory, 2, mask);
            Assert.Equal(online is null, mha.LastWeights is not null);
            y.Backward(Tensor.Randn(y.Rows, y.Cols, new Rng(9)).Data);
            return [y.Data, x.Grad!, memory.Grad!, .. mha.Parameters().Select(p => p.Grad!)];
        }
        var plain = Run(null);
        var online = Run(block);
        for (int i = 0; i < plain.Count; i++)
            Expect.CloseRelative(plain[i], online[i], 1e-12, i == 0 ? "output" : $"gradient {i}");
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void WithTheOnlineOptionItStillMatchesPyTorch()
    {
        var f = TorchFixture.Load("mha_self");
        var mha = FromFixture(f);
        mha.OnlineBlockSize = 2;
        AssertSelfAttentionMatchesPyTorch(mha, f);
    }

    [Fact]
    public void TheOnlineOptionRefusesAttentionDropoutAndABadBlockSize()
    {
        var mha = new MultiHeadAttention(8, 2, new Rng(1), dropout: 0.1) { OnlineBlockSize = 4 };
        var x = Tensor.Randn(5, 8, new Rng(2));
        var ex = Assert.Throws<InvalidOperationException>(() => mha.SelfAttention(x, new SequenceBatch(1, 5)));
        Assert.Contains("dropout", ex.Message, StringComparison.Ordinal);
        mha.Eval();
        Assert.Equal((5, 8), (mha.SelfAttention(x, new SequenceBatch(1, 5)).Rows, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => mha.OnlineBlockSize = 0);
    }
}
