using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

public class Seq2SeqTransformerTests
{
    private static int[] LengthsOf(int[] ids, int time, int pad) =>
        Enumerable.Range(0,
            ids.Length / time).Select(b => Enumerable.Range(0, time).Count(t => ids[b * time + t] != pad)).ToArray();

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void FullModelLossAndEveryGradientMatchPyTorch()
    {
        var f = TorchFixture.Load("seq2seq_model");
        int vocab = f.ConfigInt("vocab"), pad = f.ConfigInt("pad");
        var config = new TransformerConfig
        {
            DModel = f.ConfigInt("d_model"), Heads = f.ConfigInt("nhead"), DFF = f.ConfigInt("dim_feedforward"),
            EncoderLayers = f.ConfigInt("layers"), DecoderLayers = f.ConfigInt("layers"),
                Dropout = f.ConfigDouble("dropout"),
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
        var config = new TransformerConfig { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 1,
            DecoderLayers = 1, Dropout = 0 };
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
        Expect.Gradients(() => Seq2SeqTransformer.Loss(tied.Forward(src, batch, tgt, batch),
            [7, 8, 2, 0], 0, 0.1), table);

        var untied = new Seq2SeqTransformer(11, 13, config, new Rng(2));
        Assert.Equal(13, untied.Forward(src, batch, tgt, batch).Cols);
        Expect.ThrowsArgument(() => new Seq2SeqTransformer(11, 13, config, new Rng(2), shareEmbeddings: true),
            "V_src=11", "V_tgt=13");
    }

    [Fact]
    public void DecoderIsCausalThroughTheWholeModel()
    {
        var config = new TransformerConfig { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 1,
            DecoderLayers = 2, Dropout = 0 };
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
        var config = new TransformerConfig { DModel = 32, Heads = 4, DFF = 64, EncoderLayers = 1, DecoderLayers = 1,
            Dropout = 0, NormFirst = true };
        const int vocab = 8, pad = 0, bos = 1, Steps = 100;
        var model = new Seq2SeqTransformer(vocab, vocab, config, rng);
        var adam = new Adam(model.Parameters(), 5e-3);
        double first = 0, last = 0;
        for (int step = 0; step < Steps; step++)
        {
            var seqs = Enumerable.Range(0, 16)
                .Select(_ => (IReadOnlyList<int>)Enumerable.Range(0, 5).Select(_ => rng.Next(2, vocab)).ToArray())
                .ToList();
            var (src, srcBatch) = SequenceBatch.Pad(seqs, pad);
            var (tgtIn, tgtBatch) =
                SequenceBatch.Pad(seqs.Select(x => (IReadOnlyList<int>)x.Prepend(bos).Take(5).ToArray()).ToList(), pad);
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
