using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// <see cref="Encoder"/>: a stack of encoder layers and a final LayerNorm, under one padding/causal mask.
/// </summary>
public class EncoderTests
{
    internal static readonly TransformerConfig Small = new()
    {
        DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0,
    };

    [Fact]
    public void ItIsItsLayersInOrderThenTheNorm()
    {
        var encoder = new Encoder(Small, new Rng(1));
        Assert.Equal(2, encoder.Layers.Count);
        Assert.NotNull(encoder.Norm);
        var batch = new SequenceBatch(2, 3, [3, 2]);
        var x = Tensor.Randn(6, 8, new Rng(2));
        var mask = AttentionMask.ForKeys(batch);
        var h = encoder.Layers[0].Forward(x, batch, mask);
        var byHand = encoder.Norm!.Forward(encoder.Layers[1].Forward(h, batch, mask));
        Expect.Close(byHand.Data, encoder.Forward(x, batch).Data, 0, "Norm(L1(L0(x)))");
        Assert.Equal(2, encoder.AttentionWeights.Count);
        Assert.Equal(0.0, encoder.AttentionWeights[1]![1, 0, 0, 2]); // sequence 1 has 2 tokens: key 2 is padding
    }

    [Fact]
    public void LayersAndFinalNormCanBeChosen()
    {
        var bare = new Encoder(Small, new Rng(3), finalNorm: false, layers: 1);
        Assert.Single(bare.Layers);
        Assert.Null(bare.Norm);
        var names = bare.NamedParameters().Select(p => p.Name).ToList();
        Assert.All(names, n => Assert.StartsWith("layers.0.", n));
        var batch = new SequenceBatch(1, 4);
        var x = Tensor.Randn(4, 8, new Rng(4));
        Expect.Close(bare.Layers[0].Forward(x, batch).Data, bare.Forward(x, batch).Data, 0, "one layer, no norm");
        Assert.Contains("norm.weight", new Encoder(Small, new Rng(3)).NamedParameters().Select(p => p.Name));
        Expect.ThrowsArgument(() => new Encoder(Small with { Dropout = 1 }, new Rng(3)),
            "TransformerConfig", "dropout");
    }

    [Fact]
    public void FinalNormGivesRowsOfMeanZeroAndVarianceOne()
    {
        var encoder = new Encoder(Small, new Rng(5));
        var y = encoder.Forward(Tensor.Randn(6, 8, new Rng(6)), new SequenceBatch(2, 3)).Data;
        for (int r = 0; r < y.RowCount; r++)
        {
            var row = y.Row(r);
            Expect.Close(0, row.Average(), 1e-12, $"mean of row {r}");
            Expect.Close(1, row.Select(v => v * v).Average(), 1e-3, $"variance of row {r}");
        }
    }

    [Fact]
    public void PaddingRowsDoNotReachRealOnesAndCausalHidesLaterPositions()
    {
        var encoder = new Encoder(Small, new Rng(7));
        var batch = new SequenceBatch(2, 3, [3, 1]);
        var x = Tensor.Randn(6, 8, new Rng(8));
        var changed = new Tensor(x.Data.Clone());
        changed.Data.SetRow(4, changed.Data.Row(4) * 5);
        changed.Data.SetRow(5, changed.Data.Row(5) - 3);
        var a = encoder.Forward(x, batch).Data;
        var b = encoder.Forward(changed, batch).Data;
        Expect.Close(a.SubMatrix(0, 4, 0, 8), b.SubMatrix(0, 4, 0, 8), 1e-14, "real positions (rows 0–3)");

        var full = new SequenceBatch(2, 3);
        var c = encoder.Forward(x, full, causal: true).Data;
        var later = new Tensor(x.Data.Clone());
        later.Data.SetRow(2, later.Data.Row(2) + 1);
        var d = encoder.Forward(later, full, causal: true).Data;
        Expect.Close(c.SubMatrix(0, 2, 0, 8), d.SubMatrix(0, 2, 0, 8), 1e-14, "positions before the change");
        Assert.True((c.Row(2) - d.Row(2)).L2Norm() > 1e-6);
        Assert.True((encoder.Forward(x, full).Data.Row(0) - c.Row(0)).L2Norm() > 1e-6, "non-causal row 0 sees row 2");
    }

    [Fact]
    public void GradientsPassFiniteDifferences()
    {
        var rng = new Rng(9);
        var encoder = new Encoder(Small with { EncoderLayers = 1 }, rng);
        var batch = new SequenceBatch(2, 2, [2, 1]);
        var x = Gen.Param(4, 8, rng, "x");
        var r = Tensor.Randn(4, 8, rng);
        var layer = encoder.Layers[0].NamedParameters().First().Value;
        Expect.Gradients(() => encoder.Forward(x, batch).Mul(r).Sum(), x, layer);
    }
}
