using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// <see cref="Decoder"/>: decoder layers under a causal self-mask and a memory padding mask, then a LayerNorm.
/// </summary>
public class DecoderTests
{
    private static readonly TransformerConfig Small = EncoderTests.Small;

    [Fact]
    public void ItIsItsLayersInOrderThenTheNorm()
    {
        var decoder = new Decoder(Small, new Rng(1));
        Assert.Equal(2, decoder.Layers.Count);
        var (batch, memoryBatch) = (new SequenceBatch(2, 3, [3, 2]), new SequenceBatch(2, 4, [4, 1]));
        var x = Tensor.Randn(6, 8, new Rng(2));
        var memory = Tensor.Randn(8, 8, new Rng(3));
        var (self, cross) = (AttentionMask.ForKeys(batch, causal: true), AttentionMask.ForKeys(memoryBatch));
        var h = decoder.Layers[0].Forward(x, batch, memory, memoryBatch, self, cross);
        var byHand = decoder.Norm!.Forward(decoder.Layers[1].Forward(h, batch, memory, memoryBatch, self, cross));
        Expect.Close(byHand.Data, decoder.Forward(x, batch, memory, memoryBatch).Data, 0, "Norm(L1(L0(x)))");

        Assert.Equal(2, decoder.SelfAttentionWeights.Count);
        Assert.Equal(2, decoder.CrossAttentionWeights.Count);
        var crossWeights = decoder.CrossAttentionWeights[1]!;
        Assert.Equal((2, 3, 4), (crossWeights.Batch, crossWeights.QueryLength, crossWeights.KeyLength));
        Assert.Equal(0.0, crossWeights[1, 0, 0, 1]);                       // memory 1 has 1 real position
        Assert.Equal(0.0, decoder.SelfAttentionWeights[0]![0, 1, 0, 2]); // causal: query 0 never sees key 2
    }

    [Fact]
    public void EarlierPositionsIgnoreLaterOnesAndPaddedMemory()
    {
        var decoder = new Decoder(Small, new Rng(4));
        var (batch, memoryBatch) = (new SequenceBatch(1, 3), new SequenceBatch(1, 4, [2]));
        var x = Tensor.Randn(3, 8, new Rng(5));
        var memory = Tensor.Randn(4, 8, new Rng(6));
        var a = decoder.Forward(x, batch, memory, memoryBatch).Data;

        var later = new Tensor(x.Data.Clone());
        later.Data.SetRow(2, later.Data.Row(2) * -2);
        var b = decoder.Forward(later, batch, memory, memoryBatch).Data;
        Expect.Close(a.SubMatrix(0, 2, 0, 8), b.SubMatrix(0, 2, 0, 8), 1e-14, "positions before the change");
        Assert.True((a.Row(2) - b.Row(2)).L2Norm() > 1e-6);

        var padded = new Tensor(memory.Data.Clone());
        padded.Data.SetRow(3, padded.Data.Row(3) + 7);
        Expect.Close(a, decoder.Forward(x, batch, padded, memoryBatch).Data, 1e-14, "with different padding rows");
        var real = new Tensor(memory.Data.Clone());
        real.Data.SetRow(1, real.Data.Row(1) + 1);
        var moved = decoder.Forward(x, batch, real, memoryBatch).Data;
        Assert.True(Expect.MaxAbs(a - moved) > 1e-6, "memory row 1 is read");
    }

    [Fact]
    public void LayersAndFinalNormCanBeChosen()
    {
        var bare = new Decoder(Small, new Rng(7), finalNorm: false, layers: 1);
        Assert.Single(bare.Layers);
        Assert.Null(bare.Norm);
        Assert.All(bare.NamedParameters(), p => Assert.StartsWith("layers.0.", p.Name));
        Assert.Equal(3, new Decoder(Small with { DecoderLayers = 3 }, new Rng(7)).Layers.Count);
        Expect.ThrowsArgument(() => new Decoder(Small with { Dropout = -0.5 }, new Rng(7)),
            "TransformerConfig", "dropout");
    }

    [Fact]
    public void GradientsPassFiniteDifferencesIntoTargetsAndMemory()
    {
        var rng = new Rng(8);
        var decoder = new Decoder(Small with { DecoderLayers = 1 }, rng);
        var (batch, memoryBatch) = (new SequenceBatch(2, 2, [2, 1]), new SequenceBatch(2, 3, [3, 2]));
        var x = Gen.Param(4, 8, rng, "x");
        var memory = Gen.Param(6, 8, rng, "memory");
        var r = Tensor.Randn(4, 8, rng);
        Expect.Gradients(() => decoder.Forward(x, batch, memory, memoryBatch).Mul(r).Sum(), x, memory);
    }
}
