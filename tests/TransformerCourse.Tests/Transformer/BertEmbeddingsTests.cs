using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>BERT's embedding sum and layer norm, against the formula computed element by element.</summary>
public class BertEmbeddingsTests
{
    private static readonly TransformerConfig Tiny =
        new() { DModel = 4, Heads = 2, DFF = 8, EncoderLayers = 1, Dropout = 0, MaxLength = 5, LayerNormEps = 1e-12 };

    [Fact]
    public void SumsTheThreeTablesThenNormalisesEachRow()
    {
        var emb = new BertEmbeddings(vocab: 7, typeVocab: 2, Tiny, new Rng(3));
        emb.Norm.Weight.Data.SetRow(0, [1.0, 2.0, 0.5, -1.0]);
        emb.Norm.Bias.Data.SetRow(0, [0.1, 0.0, -0.2, 0.3]);
        var ids = new[] { 3, 6, 0, 2, 2, 5 };
        var types = new[] { 0, 0, 1, 1, 0, 1 };
        var batch = new SequenceBatch(2, 3);
        var y = emb.Forward(ids, types, batch).Data;
        for (int r = 0; r < 6; r++)
        {
            // x = E_word[id] + E_pos[r mod T] + E_type[type]; y = γ (x − μ)/√(σ² + ε) + β.
            var x = emb.Words.Weight.Data.Row(ids[r]) + emb.Positions.Weight.Data.Row(r % 3)
                    + emb.Types.Weight.Data.Row(types[r]);
            double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
            for (int j = 0; j < 4; j++)
            {
                double expected = emb.Norm.Weight.Data[0, j] * (x[j] - mean) / Math.Sqrt(variance + 1e-12)
                                  + emb.Norm.Bias.Data[0, j];
                Assert.Equal(expected, y[r, j], 1e-12);
            }
        }
        // No token types means type 0 everywhere.
        Expect.Close(emb.Forward(ids, new int[6], batch).Data, emb.Forward(ids, null, batch).Data, 0);
    }

    [Fact]
    public void NamesFollowHuggingFaceAndBadShapesAreRefused()
    {
        var emb = new BertEmbeddings(7, 2, Tiny, new Rng(3));
        Assert.Equal(["word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight",
            "LayerNorm.weight", "LayerNorm.bias"], emb.NamedParameters().Select(p => p.Name));
        Expect.ThrowsArgument(() => emb.Forward([1, 2], null, new SequenceBatch(1, 3)), "2 ids", "B=1×T=3");
        Expect.ThrowsArgument(() => emb.Forward(new int[6], null, new SequenceBatch(1, 6)),
            "T=6", "5 learned positions");
        Expect.ThrowsArgument(() => emb.Forward([1, 2], [0, 2], new SequenceBatch(1, 2)), "id 2", "[0, 2)");
    }
}
