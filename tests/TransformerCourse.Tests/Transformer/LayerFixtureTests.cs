using TransformerCourse.Attention;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Attention.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>Encoder and decoder layers and the 2+2 nn.Transformer, against PyTorch 1.13 (1e-9 on outputs
/// and every gradient).</summary>
public class LayerFixtureTests
{
    internal static TransformerConfig Config(TorchFixture f) => new()
    {
        DModel = f.ConfigInt("d_model"),
        Heads = f.ConfigInt("nhead"),
        DFF = f.ConfigInt("dim_feedforward"),
        Dropout = f.ConfigDouble("dropout"),
        Activation = f.ConfigString("activation") == "gelu" ? Activation.Gelu : Activation.Relu,
        NormFirst = f.ConfigBool("norm_first"),
        LayerNormEps = f.ConfigDouble("layer_norm_eps"),
    };

    [Theory]
    [InlineData("encoder_layer_post_relu")]
    [InlineData("encoder_layer_post_gelu")]
    [InlineData("encoder_layer_pre_relu")]
    [InlineData("encoder_layer_pre_gelu")]
    [InlineData("encoder_layer_pre_gelu_causal")]
    public void EncoderLayerMatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var layer = new EncoderLayer(Config(f), new Rng(1));
        LoadParams(layer, f);
        var x = Input(f, "src");
        bool causal = f.Has("input.src_mask");
        var lengths = ConfigLengths(f, "lengths");
        Assert.Equal(lengths, LengthsFromFlags(Flags(f, "src_key_padding_mask")));
        if (causal) Assert.Equal(Masks.Causal(Time(f, "src")), Masks.FromFlags(Flags(f, "src_mask")));

        var y = layer.Forward(x, new SequenceBatch(Batch(f, "src"), Time(f, "src"), lengths), causal);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.src"), x.Grad!, Tol, "grad src");
        AssertParamGrads(layer, f);
        Assert.NotNull(layer.SelfAttentionWeights);
    }

    [Theory]
    [InlineData("decoder_layer_post_relu")]
    [InlineData("decoder_layer_post_gelu")]
    [InlineData("decoder_layer_pre_relu")]
    [InlineData("decoder_layer_pre_gelu")]
    public void DecoderLayerMatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var layer = new DecoderLayer(Config(f), new Rng(1));
        LoadParams(layer, f);
        var (tgt, memory) = (Input(f, "tgt"), Input(f, "memory"));
        var tgtLengths = ConfigLengths(f, "tgt_lengths");
        var memLengths = ConfigLengths(f, "memory_lengths");
        Assert.Equal(tgtLengths, LengthsFromFlags(Flags(f, "tgt_key_padding_mask")));
        Assert.Equal(memLengths, LengthsFromFlags(Flags(f, "memory_key_padding_mask")));
        Assert.Equal(Masks.Causal(Time(f, "tgt")), Masks.FromFlags(Flags(f, "tgt_mask")));

        var tgtBatch = new SequenceBatch(Batch(f, "tgt"), Time(f, "tgt"), tgtLengths);
        var memBatch = new SequenceBatch(Batch(f, "memory"), Time(f, "memory"), memLengths);
        var y = layer.Forward(tgt, tgtBatch, memory, memBatch);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        BackwardUpstream(y, f);
        Expect.Close(f.Matrix("grad_input.tgt"), tgt.Grad!, Tol, "grad tgt");
        Expect.Close(f.Matrix("grad_input.memory"), memory.Grad!, Tol, "grad memory");
        AssertParamGrads(layer, f);
        Assert.Equal(Time(f, "memory"), layer.CrossAttentionWeights!.KeyLength);
    }

    [Fact]
    public void DecoderLayerWithPyTorchsMaskFlagsGivesTheSame()
    {
        var f = TorchFixture.Load("decoder_layer_pre_gelu");
        var layer = new DecoderLayer(Config(f), new Rng(1));
        LoadParams(layer, f);
        var (tgt, memory) = (Input(f, "tgt"), Input(f, "memory"));
        var selfMask = Mask(f, "tgt_key_padding_mask", "tgt_mask");
        var memMask = Mask(f, "memory_key_padding_mask");
        var y = layer.Forward(tgt, SequenceBatch.Full(Batch(f, "tgt"), Time(f, "tgt")), memory,
            SequenceBatch.Full(Batch(f, "memory"), Time(f, "memory")), selfMask, memMask);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
    }
}
