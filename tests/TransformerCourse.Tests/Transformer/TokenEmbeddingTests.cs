using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// <see cref="TokenEmbedding"/>: the N(0, 1/d) table, the √d scaling and the positional encodings added.
/// </summary>
public class TokenEmbeddingTests
{
    [Fact]
    public void CreateDrawsFromNormalWithStd1OverSqrtDAndZeroesThePaddingRow()
    {
        var table = TokenEmbedding.Create(vocabSize: 400, dModel: 16, new Rng(1), paddingIndex: 0);
        Assert.Equal((400, 16), (table.Weight.Rows, table.Weight.Cols));
        Assert.Equal(0, table.PaddingIndex);
        Assert.Equal(0.0, table.Weight.Data.Row(0).L2Norm());
        var values = table.Weight.Data.SubMatrix(1, 399, 0, 16).Enumerate().ToList();
        double mean = values.Average();
        double std = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Expect.Close(0, mean, 0.02, "mean");        // standard error 0.003
        Expect.Close(0.25, std, 0.0125, "std");     // 1/√16; standard error 0.002
        Assert.All(TokenEmbedding.Create(5, 4, new Rng(1)).Weight.Data.Row(0), v => Assert.NotEqual(0.0, v));
    }

    [Fact]
    public void ApplyWithoutPositionsScalesTheRowsBySqrtD()
    {
        var table = TokenEmbedding.Create(10, 16, new Rng(2));
        int[] ids = [3, 7, 3, 0, 9, 1];
        var x = TokenEmbedding.Apply(table, null, ids, new SequenceBatch(2, 3));
        Assert.Equal((6, 16), (x.Rows, x.Cols));
        for (int r = 0; r < ids.Length; r++)
            Expect.Close(4 * table.Weight.Data.Row(ids[r]), x.Data.Row(r), 0, $"row {r} = √16·E[{ids[r]}]");
    }

    [Fact]
    public void SinusoidalPositionsAreAddedFromTheStartPosition()
    {
        var config = new TransformerConfig { DModel = 6, Heads = 2, DFF = 8, Dropout = 0, MaxLength = 20 };
        var positional = TokenEmbedding.CreatePositional(config, new Rng(3));
        Assert.IsType<SinusoidalPositionalEncoding>(positional);
        var table = TokenEmbedding.Create(10, 6, new Rng(4));
        int[] ids = [2, 5, 8, 1];
        var x = TokenEmbedding.Apply(table, positional, ids, new SequenceBatch(2, 2), startPosition: 3).Data;
        for (int b = 0; b < 2; b++)
        {
            for (int t = 0; t < 2; t++)
            {
                int pos = 3 + t, r = b * 2 + t;
                for (int c = 0; c < 6; c++)
                {
                    double angle = pos / Math.Pow(10000, 2 * (c / 2) / 6.0);
                    double pe = c % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                    Expect.Close(Math.Sqrt(6) * table.Weight.Data[ids[r], c] + pe, x[r, c], 1e-12, $"[{r},{c}]");
                }
            }
        }
    }

    [Fact]
    public void LearnedPositionsAddTheirRowsAndRotaryAddsNothing()
    {
        var learnedConfig = new TransformerConfig
        {
            DModel = 4, Heads = 2, DFF = 8, Dropout = 0, MaxLength = 7, Positional = PositionalEncodingKind.Learned,
        };
        var positional = TokenEmbedding.CreatePositional(learnedConfig, new Rng(5));
        var learned = Assert.IsType<LearnedPositionalEncoding>(positional);
        Assert.Equal(7, learned.MaxLength);
        var table = TokenEmbedding.Create(6, 4, new Rng(6));
        var x = TokenEmbedding.Apply(table, learned, [1, 2, 3], new SequenceBatch(1, 3), startPosition: 2).Data;
        for (int t = 0; t < 3; t++)
            Expect.Close(2 * table.Weight.Data.Row(t + 1) + learned.Weight.Data.Row(2 + t), x.Row(t), 1e-15, $"t={t}");

        var rotary = learnedConfig with { Positional = PositionalEncodingKind.Rotary };
        Assert.Null(TokenEmbedding.CreatePositional(rotary, new Rng(5)));
    }

    [Fact]
    public void IdsThatDoNotFillTheBatchAreRefusedWithTheShapes()
    {
        var table = TokenEmbedding.Create(10, 4, new Rng(7));
        Expect.ThrowsArgument(() => TokenEmbedding.Apply(table, null, [1, 2, 3, 4, 5], new SequenceBatch(2, 3)),
            "TokenEmbedding: 5 ids for a batch of B=2×T=3 = 6 positions.");
        Assert.Throws<ArgumentNullException>(() => TokenEmbedding.CreatePositional(null!, new Rng(7)));
    }

    [Fact]
    public void GradientReachesTheTableRowsThatWereLookedUp()
    {
        var rng = new Rng(8);
        var table = TokenEmbedding.Create(6, 4, rng);
        var r = Tensor.Randn(4, 4, rng);
        int[] ids = [2, 5, 2, 0];
        var batch = new SequenceBatch(2, 2);
        Expect.Gradients(() => TokenEmbedding.Apply(table, null, ids, batch).Mul(r).Sum(), table.Weight);
        table.ZeroGrad();
        TokenEmbedding.Apply(table, null, ids, batch).Mul(r).Sum().Backward();
        Expect.Close(2 * (r.Data.Row(0) + r.Data.Row(2)), table.Weight.Grad!.Row(2), 1e-15, "row 2, looked up twice");
        Assert.Equal(0.0, table.Weight.Grad!.Row(3).L2Norm());
    }
}
