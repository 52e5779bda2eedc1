using System.Globalization;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 02's headline numbers, read from the printed output of a run with the solutions: the test exact match of
/// the model without attention, and the accuracy-by-length table over the 1,000 test dates.
/// </summary>
public class Notebook02Tests
{
    [Fact]
    public async Task PrintsASaneTestExactMatchAndAccuracyByLength()
    {
        var r = (await Kernel.ExecutedNotebooks.Get("02-seq2seq-without-attention.ipynb", Kernel.Engine.Runner,
            solutions: true)).RunResult!;
        Assert.True(r.Succeeded, r.FailureMessage);
        var text = string.Join("\n", r.Cells.Select(c => c.Output));

        // The baseline learns most dates but is clearly short of the attention model (README: 75.1%).
        var exact = Regex.Match(text, @"test exact match: (\d+(?:\.\d+)?) ?% of 1000 dates");
        Assert.True(exact.Success, "no 'test exact match: …% of 1000 dates' line");
        double percent = double.Parse(exact.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(percent, 60.0, 95.0);

        // "exact match by input length: 6: 62 % (16), 7: 52 % (46), …": every test date
        // counted once, lengths ascending.
        var line = Regex.Match(text, @"exact match by input length: (.+)");
        Assert.True(line.Success, "no 'exact match by input length' line");
        var rows = Regex.Matches(line.Groups[1].Value, @"(\d+): (\d+) ?% \((\d+)\)")
            .Select(m => (Length: int.Parse(m.Groups[1].Value), Percent: int.Parse(m.Groups[2].Value),
                Count: int.Parse(m.Groups[3].Value)))
            .ToList();
        Assert.True(rows.Count >= 10, $"only {rows.Count} lengths in the table");
        Assert.Equal(1000, rows.Sum(x => x.Count));
        Assert.Equal(rows.Select(x => x.Length).Order(), rows.Select(x => x.Length));
        Assert.All(rows, x => Assert.InRange(x.Percent, 0, 100));
        // The per-length accuracies average back to the headline number.
        double weighted = rows.Sum(x => x.Percent * x.Count) / 1000.0;
        Assert.InRange(weighted, percent - 1.0, percent + 1.0);

        // The year (read last) is right far more often than the day (read first).
        var fields = Regex.Match(text, @"year (\d+(?:\.\d+)?) ?%, month (\d+(?:\.\d+)?) ?%, day (\d+(?:\.\d+)?) ?%");
        Assert.True(fields.Success, "no per-field accuracy line");
        Assert.True(double.Parse(fields.Groups[1].Value, CultureInfo.InvariantCulture)
            > double.Parse(fields.Groups[3].Value, CultureInfo.InvariantCulture) + 10);
    }
}
