using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 14's headline numbers, as printed by the notebook run with the solutions, in the runner and in the real
/// kernel: the parameter count by formula equals the file's float values (22,713,216 = 11,918,592 for the embeddings
/// + 6 × 1,774,464 per layer + 147,840 for the pooler, worked out by hand from BERT's shapes) and all its initializers
/// hold 22,713,772 values; the course's float64 MiniLM is within 1e-4 of ONNX Runtime (an independent float32
/// implementation) for every sentence alone and for the padded batch; sentence embeddings too.
/// </summary>
[Collection("kernel")]
public class Notebook14Tests
{
    public const string Name = "14-a-real-pretrained-transformer.ipynb";

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public async Task ParameterCountAndHiddenStatesMatchTheFileAndONNXRuntime(Engine engine)
    {
        var nb = await ExecutedNotebooks.Get(Name, engine, solutions: true);

        var formula = Regex.Match(nb.Text,
            @"embeddings ([\d,]+) \+ 6 × ([\d,]+) per layer \+ pooler ([\d,]+) = ([\d,]+)");
        Assert.True(formula.Success, "the notebook prints the parameter count by formula");
        Assert.Equal(("11,918,592", "1,774,464", "147,840", "22,713,216"),
            (formula.Groups[1].Value, formula.Groups[2].Value, formula.Groups[3].Value, formula.Groups[4].Value));
        Assert.Contains("float values in the file: 22,713,216 in 103 float initializers", nb.Text);
        Assert.Contains("all values of all 148 initializers: 22,713,772", nb.Text);

        var single = Regex.Matches(nb.Text, @"\d+ tokens: max \|ours − ONNX Runtime\| = ([\d.E+-]+)");
        Assert.Equal(5, single.Count);
        Assert.All(single, m => Assert.True(Number(m.Groups[1].Value) <= 1e-4, m.Value));
        var batch = Regex.Match(nb.Text,
            @"padded batch B = 5, T = \d+ \(lengths [\d, ]+\): " +
            @"hidden states max \|ours − ONNX Runtime\| = ([\d.E+-]+), " +
            @"pooler output ([\d.E+-]+)");
        Assert.True(batch.Success, "the notebook prints the padded batch's comparison");
        Assert.True(Number(batch.Groups[1].Value) <= 1e-4, batch.Value);
        Assert.True(Number(batch.Groups[2].Value) <= 1e-4, batch.Value);
        var embedding = Regex.Match(nb.Text, @"max \|ours − from ONNX Runtime's hidden states\| = ([\d.E+-]+)");
        Assert.True(embedding.Success && Number(embedding.Groups[1].Value) <= 1e-5, embedding.Value);
        Assert.Contains("[CLS] the animal didn ' t cross the street because it was too tired . [SEP]", nb.Text);
    }
}
