using System.Globalization;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 03's headline numbers, read from what the notebook prints when run with the solutions: the Bahdanau model
/// reaches ≥ 99% exact match on the 1,000 test dates, and the model without attention (notebook 02's) is below it at
/// every input length with at least 50 test dates.
/// </summary>
public class Notebook03Tests
{
    private static readonly Lazy<Task<NotebookRunResult>> run = new(async () =>
        (await Kernel.ExecutedNotebooks.Get("03-bahdanau-attention.ipynb", Kernel.Engine.Runner,
            solutions: true)).RunResult!);

    private static async Task<string> PrintedText()
    {
        var r = await run.Value;
        Assert.True(r.Succeeded, r.FailureMessage);
        return string.Join("\n", r.Cells.Select(c => c.Output));
    }

    private static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public async Task BahdanauReaches99PercentOnTheTestDates()
    {
        var text = await PrintedText();
        var m = Regex.Match(text, @"Bahdanau: \d+ steps, test exact match: ([\d.]+)% of 1,000 test dates");
        Assert.True(m.Success, "the notebook prints the Bahdanau test exact match");
        Assert.True(Number(m.Groups[1].Value) >= 99.0, $"Bahdanau test exact match {m.Groups[1].Value}% < 99%");
    }

    [Fact]
    public async Task WithoutAttentionIsWorseAtEveryWellPopulatedLength()
    {
        var text = await PrintedText();
        var rows = Regex
            .Matches(text, @"^\s*(\d+) \|\s*(\d+) \|\s*([\d.]+)% \|\s*([\d.]+)%\s*$", RegexOptions.Multiline)
            .Select(m => (Length: int.Parse(m.Groups[1].Value), Count: int.Parse(m.Groups[2].Value),
                Attention: Number(m.Groups[3].Value), Plain: Number(m.Groups[4].Value)))
            .ToList();
        Assert.Equal(1_000, rows.Sum(r => r.Count));
        var populated = rows.Where(r => r.Count >= 50).ToList();
        Assert.NotEmpty(populated);
        Assert.All(populated, r => Assert.True(r.Plain < r.Attention,
            $"length {r.Length} ({r.Count} dates): no attention {r.Plain}% is not below Bahdanau {r.Attention}%"));
    }
}
