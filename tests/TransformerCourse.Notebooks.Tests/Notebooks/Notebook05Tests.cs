using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>Notebook 05's headline number: the measured variance of q·k is d_k (within 10%) for every d_k.</summary>
[Collection("kernel")]
public class Notebook05Tests
{
    [Fact]
    public async Task DotProductVarianceIsWithin10PercentOfDk()
    {
        var nb = await ExecutedNotebooks.Get("05-queries-keys-values.ipynb", Engine.Runner, solutions: true);
        // Lines of the table "  d_k | Var(q·k) measured | measured / d_k".
        var rows = Regex.Matches(nb.Text, @"^\s*(\d+) \|\s+([\d.]+) \|\s+([\d.]+)\s*$", RegexOptions.Multiline)
            .Select(m => (Dk: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                          Variance: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)))
            .ToList();
        Assert.Equal(new[] { 4, 16, 64, 256, 1024 }, rows.Select(r => r.Dk).ToArray());
        foreach (var (dk, variance) in rows)
            Assert.True(Math.Abs(variance / dk - 1) <= 0.10,
                $"d_k = {dk}: measured variance {variance}, more than 10% from {dk}");
    }

    [Fact]
    public async Task TheReadablePathGivesTheFusedKernelsNumbers()
    {
        var nb = await ExecutedNotebooks.Get("05-queries-keys-values.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"readable path vs fused kernel: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
