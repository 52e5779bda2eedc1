using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 06's headline number: on held-out sentences, the trained layer-2 self-attention of "it" puts its strongest
/// weight on the noun "it" refers to far more often than chance (1 of 11 positions).
/// </summary>
[Collection("kernel")]
public class Notebook06Tests
{
    [Fact]
    public async Task ItAttendsToTheRightNounWellAboveChance()
    {
        var nb = await ExecutedNotebooks.Get("06-self-attention.ipynb", Engine.Runner, solutions: true);
        var m = Regex.Match(nb.Text,
            @"held-out layer 2: ""it"" puts its strongest weight on the right noun in (\d+)/(\d+) \(([\d.]+)%; "
            + @"chance ([\d.]+)%");
        Assert.True(m.Success, "the notebook prints the held-out layer-2 rate");
        var rate = double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
        var chance = double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
        Assert.Equal(100.0 / 11, chance, 1);
        Assert.True(rate >= 3 * chance, $"held-out rate {rate}% is not well above chance ({chance}%)");

        var answers = Regex.Match(nb.Text, @"held-out answers: the right noun in \d+/\d+ \(([\d.]+)%\)");
        Assert.True(answers.Success && double.Parse(answers.Groups[1].Value, CultureInfo.InvariantCulture) >= 80,
            "the model names the right noun in at least 80% of held-out sentences");
    }

    [Fact]
    public async Task TheReadablePathGivesTheFusedKernelsNumbers()
    {
        var nb = await ExecutedNotebooks.Get("06-self-attention.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"readable path vs fused kernel: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
