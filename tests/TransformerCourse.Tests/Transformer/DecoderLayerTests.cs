using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

public class DecoderLayerTests
{
    [Theory]
    [InlineData(false, 0.0)]
    [InlineData(true, 0.0)]
    [InlineData(false, 0.2)]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients(bool normFirst, double dropout)
    {
        BothPaths.AssertSame($"DecoderLayer normFirst={normFirst} dropout={dropout}", () =>
        {
            var rng = new Rng(51);
            var layer = new DecoderLayer(8, 2, 16, rng, dropout, Activation.Relu, normFirst);
            var x = Tensor.Randn(2 * 4, 8, rng, requiresGrad: true);
            var memory = Tensor.Randn(2 * 6, 8, rng, requiresGrad: true);
            var y = layer.Forward(x, new SequenceBatch(2, 4, [4, 2]), memory, new SequenceBatch(2, 6, [6, 5]));
            return (y, layer, [x, memory]);
        }, "MatMul", "Softmax", "ConcatCols", "Relu", "Sqrt");
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("decoder_layer_post_relu")]
    [InlineData("decoder_layer_post_gelu")]
    [InlineData("decoder_layer_pre_relu")]
    [InlineData("decoder_layer_pre_gelu")]
    public void MatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        var layer = new DecoderLayer(LayerConfig(f), new Rng(1));
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
    [Trait("Reference", "PyTorch")]
    public void PyTorchsMaskFlagsGiveTheSame()
    {
        var f = TorchFixture.Load("decoder_layer_pre_gelu");
        var layer = new DecoderLayer(LayerConfig(f), new Rng(1));
        LoadParams(layer, f);
        var (tgt, memory) = (Input(f, "tgt"), Input(f, "memory"));
        var selfMask = Mask(f, "tgt_key_padding_mask", "tgt_mask");
        var memMask = Mask(f, "memory_key_padding_mask");
        var y = layer.Forward(tgt, SequenceBatch.Full(Batch(f, "tgt"), Time(f, "tgt")), memory,
            SequenceBatch.Full(Batch(f, "memory"), Time(f, "memory")), selfMask, memMask);
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
    }
}
