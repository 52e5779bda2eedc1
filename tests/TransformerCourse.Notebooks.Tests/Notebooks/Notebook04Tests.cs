using System.Globalization;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>Notebook 04 prints one table row (parameters, steps, time, test exact match) for each
/// Luong score function.</summary>
public class Notebook04Tests
{
    [Fact]
    public async Task TheTrainingTableHasTheThreeModels()
    {
        var r = (await Kernel.ExecutedNotebooks.Get("04-luong-attention.ipynb", Kernel.Engine.Runner,
            solutions: true)).RunResult!;
        Assert.True(r.Succeeded, r.FailureMessage);
        var text = string.Join("\n", r.Cells.Select(c => c.Output));
        foreach (var kind in new[] { "luong-dot", "luong-general", "luong-concat" })
        {
            var m = Regex.Match(text, $@"^{kind}\s*\|\s*[\d,]+ \|\s*\d+ \|\s*[\d.]+ \|\s*[\d.]+ \|\s*([\d.]+)%\s*$",
                RegexOptions.Multiline);
            Assert.True(m.Success, $"the table has a row for {kind}");
            var accuracy = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(accuracy, 0.0, 100.0);
        }
    }
}
