using TransformerCourse.Attention;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The whole encoder–decoder (nn.Transformer's layout) against PyTorch: outputs, gradients
/// and state-dict names.</summary>
public class EncoderDecoderTests
{
    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("transformer_2x2")]
    [InlineData("transformer_2x2_pre")]
    public void TwoPlusTwoTransformerMatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var config = LayerConfig(f) with { EncoderLayers = f.ConfigInt("num_encoder_layers"),
            DecoderLayers = f.ConfigInt("num_decoder_layers") };
        var model = new EncoderDecoder(config, new Rng(1));
        LoadParams(model, f);
        var (src, tgt) = (Input(f, "src"), Input(f, "tgt"));
        var srcBatch = new SequenceBatch(Batch(f, "src"), Time(f, "src"), ConfigLengths(f, "src_lengths"));
        var tgtBatch = new SequenceBatch(Batch(f, "tgt"), Time(f, "tgt"), ConfigLengths(f, "tgt_lengths"));
        Assert.Equal(srcBatch.Lengths, LengthsFromFlags(Flags(f, "src_key_padding_mask")));
        Assert.Equal(tgtBatch.Lengths, LengthsFromFlags(Flags(f, "tgt_key_padding_mask")));

        var memory = model.Encode(src, srcBatch);
        Expect.Close(f.Matrix("output.memory"), memory.Data, Tol, "memory");
        var y = model.Decode(tgt, tgtBatch, memory, srcBatch);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.src"), src.Grad!, Tol, "grad src");
        Expect.Close(f.Matrix("grad_input.tgt"), tgt.Grad!, Tol, "grad tgt");
        AssertParamGrads(model, f);

        // Every layer kept its maps, per head.
        Assert.Equal(2, model.Encoder.AttentionWeights.Count);
        Assert.All(model.Decoder.CrossAttentionWeights,
            w => Assert.Equal((2, 4, 5), (w!.Heads, w.QueryLength, w.KeyLength)));
    }

    [Fact]
    [Trait("Reference", "PyTorch")]
    public void StateDictNamesAreExactlyPyTorchs()
    {
        var f = TorchFixture.Load("transformer_2x2");
        var model =
            new EncoderDecoder(LayerConfig(f) with { EncoderLayers = 2, DecoderLayers = 2 }, new Rng(1));
        var ours = model.NamedParameters().Select(p => (p.Name, string.Join(",", p.Shape))).ToList();
        var theirs = f.Keys.Where(k => k.StartsWith("param.", StringComparison.Ordinal))
            .Select(k => (k["param.".Length..], string.Join(",", f.Shape(k)))).ToList();
        Assert.Equal(theirs, ours); // same names, same shapes, same order
    }
}
