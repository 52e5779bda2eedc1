using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Attention.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

public class Seq2SeqTransformerTests
{
    private static int[] LengthsOf(int[] ids, int time, int pad) =>
        Enumerable.Range(0, ids.Length / time).Select(b => Enumerable.Range(0, time).Count(t => ids[b * time + t] != pad)).ToArray();

    [Fact]
    public void FullModelLossAndEveryGradientMatchPyTorch()
    {
        var f = TorchFixture.Load("seq2seq_model");
        int vocab = f.ConfigInt("vocab"), pad = f.ConfigInt("pad");
        var config = new TransformerConfig
        {
            DModel = f.ConfigInt("d_model"), Heads = f.ConfigInt("nhead"), DFF = f.ConfigInt("dim_feedforward"),
            EncoderLayers = f.ConfigInt("layers"), DecoderLayers = f.ConfigInt("layers"), Dropout = f.ConfigDouble("dropout"),
        };
        var model = new Seq2SeqTransformer(vocab, vocab, config, new Rng(1));
        LoadParams(model, f);
        var (src, tgtIn, tgtOut) = (f.Ints("input.src"), f.Ints("input.tgt_in"), f.Ints("input.tgt_out"));
        int s = f.Shape("input.src")[1], t = f.Shape("input.tgt_in")[1], b = f.Shape("input.src")[0];
        var srcBatch = new SequenceBatch(b, s, LengthsOf(src, s, pad));
        var tgtBatch = new SequenceBatch(b, t, LengthsOf(tgtIn, t, pad));

        var logits = model.Forward(src, srcBatch, tgtIn, tgtBatch);
        Expect.Close(f.Matrix("output.logits"), logits.Data, Tol, "logits");
        var loss = Seq2SeqTransformer.Loss(logits, tgtOut, pad, labelSmoothing: 0.1);
        Expect.Close(f.Scalar("output.loss"), loss.Item(), Tol, "loss");
        loss.Backward();
        AssertParamGrads(model, f);
    }

    [Fact]
    public void TiedAndSharedWeightsAreRegisteredOnce()
    {
        var config = new TransformerConfig { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 1, DecoderLayers = 1, Dropout = 0 };
        var tied = new Seq2SeqTransformer(11, 11, config, new Rng(2), tieOutput: true, shareEmbeddings: true);
        var names = tied.NamedParameters().Select(p => p.Name).ToList();
        Assert.Contains("src_embed.weight", names);
        Assert.DoesNotContain("tgt_embed.weight", names);
        Assert.DoesNotContain("generator.weight", names);
        Assert.Contains("generator.bias", names);
        Assert.Same(tied.SourceEmbedding.Weight, ((TiedLinear)tied.Generator).Weight);
        Assert.Equal(names.Count, names.Distinct().Count());

        // The shared table receives gradient from the encoder input, decoder input and output layer.
        var src = new[] { 3, 4, 5, 6 };
        var tgt = new[] { 1, 7, 8, 2 };
        var batch = new SequenceBatch(1, 4);
        var table = tied.SourceEmbedding.Weight;
        var loss = Seq2SeqTransformer.Loss(tied.Forward(src, batch, tgt, batch), [7, 8, 2, 0], padId: 0);
        loss.Backward();
        Assert.True(table.Grad!.Row(9).L2Norm() > 0, "the output layer's share reaches an id never used as input");
        Expect.Gradients(() => Seq2SeqTransformer.Loss(tied.Forward(src, batch, tgt, batch), [7, 8, 2, 0], 0, 0.1), table);

        var untied = new Seq2SeqTransformer(11, 13, config, new Rng(2));
        Assert.Equal(13, untied.Forward(src, batch, tgt, batch).Cols);
        Expect.ThrowsArgument(() => new Seq2SeqTransformer(11, 13, config, new Rng(2), shareEmbeddings: true), "V_src=11", "V_tgt=13");
    }

    [Fact]
    public void DecoderIsCausalThroughTheWholeModel()
    {
        var config = new TransformerConfig { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 1, DecoderLayers = 2, Dropout = 0 };
        var model = new Seq2SeqTransformer(10, 10, config, new Rng(3));
        var src = new[] { 3, 4, 5 };
        var batch = new SequenceBatch(1, 3);
        var a = model.Forward(src, batch, [1, 5, 6, 7], new SequenceBatch(1, 4)).Data;
        var b = model.Forward(src, batch, [1, 5, 9, 9], new SequenceBatch(1, 4)).Data;
        Expect.Close(a.SubMatrix(0, 2, 0, 10), b.SubMatrix(0, 2, 0, 10), 0, "positions before the change");
        Assert.Equal(2, model.CrossAttentionWeights.Count);
        Assert.Equal((4, 3), (model.CrossAttentionWeights[1]!.QueryLength, model.CrossAttentionWeights[1]!.KeyLength));
        Assert.Equal(0.0, model.DecoderSelfAttentionWeights[0]![0, 1, 0, 3]); // causal
        Assert.Single(model.EncoderAttentionWeights);
        Assert.True((a.Row(2) - b.Row(2)).L2Norm() > 1e-6);
    }

    [Fact]
    public void LearnsTheCopyTaskInAFewSteps()
    {
        // A check that training works end to end: loss on a tiny copy task falls far below chance.
        var rng = new Rng(4);
        var config = new TransformerConfig { DModel = 32, Heads = 4, DFF = 64, EncoderLayers = 1, DecoderLayers = 1, Dropout = 0, NormFirst = true };
        const int vocab = 8, pad = 0, bos = 1, Steps = 100;
        var model = new Seq2SeqTransformer(vocab, vocab, config, rng);
        var adam = new Adam(model.Parameters(), 5e-3);
        double first = 0, last = 0;
        for (int step = 0; step < Steps; step++)
        {
            var seqs = Enumerable.Range(0, 16).Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 5).Select(_ => rng.Next(2, vocab)).ToArray()).ToList();
            var (src, srcBatch) = SequenceBatch.Pad(seqs, pad);
            var (tgtIn, tgtBatch) = SequenceBatch.Pad(seqs.Select(x => (IReadOnlyList<int>)x.Prepend(bos).Take(5).ToArray()).ToList(), pad);
            adam.ZeroGrad();
            var loss = Seq2SeqTransformer.Loss(model.Forward(src, srcBatch, tgtIn, tgtBatch), src, pad);
            loss.Backward();
            adam.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(first > 1.5, $"initial loss {first}");
        Assert.True(last < 0.3, $"loss after {Steps} steps is {last} (chance is ln 6 = 1.79)");
    }
}

public class HeadModelTests
{
    private static readonly TransformerConfig Small = new() { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 16 };

    [Theory]
    [InlineData(Pooling.FirstToken)]
    [InlineData(Pooling.Mean)]
    public void EncoderClassifierShapesPoolingAndGradients(Pooling pooling)
    {
        var model = new EncoderClassifier(12, 3, Small with { NormFirst = true }, new Rng(5), pooling);
        var ids = new[] { 1, 5, 6, 7, 1, 8, 0, 0 };
        var batch = new SequenceBatch(2, 4, [4, 2]);
        var logits = model.Forward(ids, batch);
        Assert.Equal((2, 3), (logits.Rows, logits.Cols));
        Assert.Equal(2, model.Encoder.AttentionWeights.Count);
        Assert.Contains("encoder.norm.weight", model.NamedParameters().Select(p => p.Name));
        Assert.Contains("classifier.weight", model.NamedParameters().Select(p => p.Name));
        // Padding tokens do not change the prediction.
        var other = model.Forward([1, 5, 6, 7, 1, 8, 3, 9], batch);
        Expect.Close(logits.Data, other.Data, 1e-14, "padding ignored");
        var table = model.Embedding.Weight;
        Expect.Gradients(() => model.Forward(ids, batch).CrossEntropy([0, 2]), table, model.Classifier.Weight);
    }

    [Theory]
    [InlineData(PositionalEncodingKind.Sinusoidal)]
    [InlineData(PositionalEncodingKind.Learned)]
    [InlineData(PositionalEncodingKind.Rotary)]
    public void DecoderOnlyLMIsCausalAndDifferentiable(PositionalEncodingKind positional)
    {
        var model = new DecoderOnlyLM(10, Small with { NormFirst = true, Positional = positional }, new Rng(6));
        var batch = new SequenceBatch(2, 5, [5, 3]);
        int[] ids = [1, 4, 5, 6, 7, 1, 8, 9, 0, 0];
        var logits = model.Forward(ids, batch);
        Assert.Equal((10, 10), (logits.Rows, logits.Cols));
        var changed = model.Forward([1, 4, 5, 2, 2, 1, 8, 9, 0, 0], batch);
        Expect.Close(logits.Data.SubMatrix(0, 3, 0, 10), changed.Data.SubMatrix(0, 3, 0, 10), 0, "a later token cannot change earlier logits");
        Assert.True((logits.Data.Row(3) - changed.Data.Row(3)).L2Norm() > 1e-9);
        var names = model.NamedParameters().Select(p => p.Name).ToList();
        Assert.Equal(positional == PositionalEncodingKind.Learned, names.Contains("positional_encoding.weight"));
        Assert.DoesNotContain("lm_head.weight", names);
        Expect.Gradients(() => model.Loss(ids, batch, padId: 0), model.Embedding.Weight, model.Transformer.Layers[0].SelfAttn.InProjWeight);
        Assert.Equal((2, 2, 5, 5), (model.Transformer.AttentionWeights[1]!.Batch, model.Transformer.AttentionWeights[1]!.Heads,
            model.Transformer.AttentionWeights[1]!.QueryLength, model.Transformer.AttentionWeights[1]!.KeyLength));
    }

    [Fact]
    public void DropoutActsOnlyInTrainingAndIsReproducible()
    {
        var config = Small with { Dropout = 0.3 };
        var x = Tensor.Randn(2 * 4, 8, new Rng(7));
        var batch = new SequenceBatch(2, 4, [4, 3]);
        var a = new EncoderLayer(config, new Rng(8));
        var b = new EncoderLayer(config, new Rng(8));
        var first = a.Forward(x, batch).Data;
        Expect.Close(first, b.Forward(x, batch).Data, 0, "same seed, same dropout masks");
        Assert.True((first - a.Forward(x, batch).Data).FrobeniusNorm() > 1e-6, "a new mask each call");
        var noDropout = new EncoderLayer(config with { Dropout = 0 }, new Rng(9));
        noDropout.LoadStateDict(a.StateDict());
        a.Eval();
        Expect.Close(noDropout.Forward(x, batch).Data, a.Forward(x, batch).Data, 1e-15, "evaluation mode = no dropout");
    }

    [Fact]
    public void ConfigErrorsNameTheSetting()
    {
        Expect.ThrowsArgument(() => new TransformerConfig { DModel = 10, Heads = 4 }.Validate(), "d_model=10", "h=4");
        Expect.ThrowsArgument(() => new TransformerConfig { Dropout = 1 }.Validate(), "dropout");
        Expect.ThrowsArgument(() => new DecoderOnlyLM(5, Small, new Rng(1)).Forward([1, 2, 3], new SequenceBatch(1, 4)), "3 ids", "4");
    }
}
