using static TransformerCourse.Pretrained.Tests.MiniLmFixture;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>Reading the ONNX file: the graph's inputs and outputs, float initializers, errors.</summary>
public class OnnxWeightsTests
{
    [Fact]
    public void ReadsTheGraphAndEveryFloatInitializer()
    {
        var graph = OnnxFile.Model.Graph;
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], graph.Input.Select(i => i.Name));
        Assert.Equal("last_hidden_state", graph.Output[0].Name);
        Assert.Equal(13, OnnxFile.Model.OpsetImport[0].Version);
        var words = OnnxFile["embeddings.word_embeddings.weight"];
        Assert.Equal([30522L, 384L], words.Shape);
        Assert.False(words.Transposed);
        Assert.Equal((30522, 384), (words.ToMatrix().RowCount, words.ToMatrix().ColumnCount));
        var ffn = OnnxFile["encoder.layer.0.output.dense.weight"];                  // stored [1536, 384] = in×out
        Assert.True(ffn.Transposed);
        Assert.Equal((384, 1536), (ffn.ToMatrix().RowCount, ffn.ToMatrix().ColumnCount));
        Assert.Equal((double)ffn.Values[5 * 384 + 2], ffn.ToMatrix()[2, 5]);
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var ex = Assert.Throws<InvalidDataException>(() => OnnxWeights.Read([0xFF, 0xFF, 0xFF]));
        Assert.Contains("3 bytes are not an ONNX model", ex.Message, StringComparison.Ordinal);
        var missing = Assert.Throws<KeyNotFoundException>(() => OnnxFile["encoder.layer.9.output.dense.weight"]);
        Assert.Contains("'encoder.layer.9.output.dense.weight'", missing.Message, StringComparison.Ordinal);
    }
}
