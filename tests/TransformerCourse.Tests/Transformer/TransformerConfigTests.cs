using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The configuration: each bad setting is named in the error.</summary>
public class TransformerConfigTests
{
    private static readonly TransformerConfig Small =
        new() { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 16 };

    [Fact]
    public void ConfigErrorsNameTheSetting()
    {
        Expect.ThrowsArgument(() => new TransformerConfig { DModel = 10, Heads = 4 }.Validate(), "d_model=10", "h=4");
        Expect.ThrowsArgument(() => new TransformerConfig { Dropout = 1 }.Validate(), "dropout");
        Expect.ThrowsArgument(() => new DecoderOnlyLM(5, Small, new Rng(1)).Forward([1, 2, 3],
            new SequenceBatch(1, 4)), "3 ids", "4");
    }

    [Fact]
    public void KeyValueHeadsDefaultToTheQueryHeadsAndMustDivideThem()
    {
        Assert.Equal(2, Small.KvHeads);
        Assert.Equal(8, new TransformerConfig().KvHeads);
        Assert.Equal(4, (new TransformerConfig { Heads = 4 }).KvHeads);
        Expect.ThrowsArgument(() => new TransformerConfig { Heads = 8, KvHeads = 3 }.Validate(), "g=3", "h=8");
        Expect.ThrowsArgument(() => new DecoderOnlyLM(5, Small with { KvHeads = 0 }, new Rng(1)), "g=0", "h=2");
    }

    private static IEnumerable<Module> All(Module m) => m.Children().SelectMany(c => All(c.Module)).Prepend(m);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void EveryAttentionLayerOfTheModelsGetsTheKeyValueHeads(int g)
    {
        // d = 16, h = 4, d_k = 4: each attention layer has 2·(h − g)·d_k·(d + 1) fewer parameters than with g = h.
        var config = Small with { DModel = 16, Heads = 4, KvHeads = g };
        var standard = Small with { DModel = 16, Heads = 4 };
        int saved = 2 * (4 - g) * 4 * (16 + 1);
        var lm = new DecoderOnlyLM(7, config, new Rng(1));
        var seq2seq = new Seq2SeqTransformer(7, 9, config, new Rng(1));
        var layers = All(lm).Concat(All(seq2seq)).OfType<MultiHeadAttention>()
            .ToList();
        Assert.Equal(2 + 2 + 2 * 2, layers.Count);          // LM: 2 self; seq2seq: 2 encoder self, 2 × (self, cross)
        Assert.All(layers, a => Assert.Equal(g, a.KvHeads));
        Assert.Equal(new DecoderOnlyLM(7, standard, new Rng(1)).ParameterCount - 2 * saved, lm.ParameterCount);
        Assert.Equal(new Seq2SeqTransformer(7, 9, standard, new Rng(1)).ParameterCount - 6 * saved,
            seq2seq.ParameterCount);
        var logits = lm.Forward([1, 2, 3, 4], new SequenceBatch(1, 4));
        Assert.Equal((4, 7), (logits.Rows, logits.Cols));
    }
}
