using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests;

/// <summary>
/// Every number the prose states is a number the notebook prints: each decimal number, percentage and power of ten in
/// a notebook's markdown (and in its row of README's course table) must appear in that notebook's outputs (the runner's
/// run with the solutions), to the precision the prose gives it. Numbers inside formulas ($…$), code (`…`), links and
/// headings are not claims about a run; nor are whole numbers without a % (counts, sizes, years, constants such as
/// 10000 or 512), which the test leaves alone.
/// </summary>
public partial class NumbersInProseTests
{
    public static IEnumerable<object[]> Notebooks() => TestPaths.CourseNotebooks();

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryNumberInTheProseIsPrinted(string name)
    {
        var nb = await ExecutedNotebooks.Get(name, Engine.Runner, solutions: true);
        var printed = PrintedNumbers(nb.Text);
        var json = JsonNode.Parse(File.ReadAllText(TestPaths.CourseNotebook(name)))!;
        var missing = new List<string>();
        foreach (var cell in json["cells"]!.AsArray().Where(c => (string?)c!["cell_type"] == "markdown"))
            foreach (var claim in Claims(ExecutedCell.Join(cell!["source"])))
                if (!printed.Any(p => claim.MatchedBy(p.Value, p.Percent)))
                    missing.Add($"\"{claim.Text}\" in \"{claim.Context}\"");
        Assert.True(missing.Count == 0,
            $"{name}: numbers in the prose that no cell prints:\n{string.Join("\n", missing)}");
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryNumberInTheReadmeCourseTableIsPrinted(string name)
    {
        var row = File.ReadAllLines(Path.Combine(TestPaths.RepoRoot, "README.md"))
            .FirstOrDefault(l => l.StartsWith("| [", StringComparison.Ordinal)
                && l.Contains($"(notebooks/{name})", StringComparison.Ordinal));
        Assert.True(row is not null, $"README's course table has no row for {name}");
        // The last column is the run time, measured outside the notebook.
        var what = row!.Split(" | ")[1];
        var nb = await ExecutedNotebooks.Get(name, Engine.Runner, solutions: true);
        var printed = PrintedNumbers(nb.Text);
        var missing = Claims(what).Where(c => !printed.Any(p => c.MatchedBy(p.Value, p.Percent)))
            .Select(c => $"\"{c.Text}\" in \"{c.Context}\"").ToList();
        Assert.True(missing.Count == 0,
            $"README's row for {name} quotes numbers the notebook does not print:\n{string.Join("\n", missing)}");
    }

    [Fact]
    public void ClaimsAreDecimalsPercentagesAndPowersOfTenOutsideFormulasAndCode()
    {
        var claims =
            Claims("## 4 · Table 1\nWe got 90.9% and 0.97 ($x = 0.5$, `1.5`), a ratio of 2.2×, 1.8·10⁻¹⁵ and " +
                            "7.1e-15, 2,000 steps in 2018 ([a link](https://x.org/1.2)); 55–78%.\n");
        Assert.Equal(["90.9%", "0.97", "2.2", "1.8·10⁻¹⁵", "7.1e-15", "55", "78%"], claims.Select(c => c.Text));
        Assert.All(claims.Zip(new[] { 90.9, 0.97, 2.2, 1.8e-15, 7.1e-15, 55, 78 }),
            p => Assert.Equal(p.Second, p.First.Value, p.Second * 1e-12));
        Assert.Equal([true, false, false, false, false, true, true], claims.Select(c => c.Percent));
        var pct = Claims("a share of 62.1%").Single();
        Assert.True(pct.MatchedBy(62.1, true) && pct.MatchedBy(0.621) && pct.MatchedBy(62.14, true));
        Assert.False(pct.MatchedBy(62.2, true) || pct.MatchedBy(62.1));   // a bare 62.1 is not a percentage
        var small = Claims("an error of 1.8·10⁻¹⁵").Single();
        Assert.True(small.MatchedBy(1.8e-15) && small.MatchedBy(1.84e-15) && !small.MatchedBy(0)
            && !small.MatchedBy(1.8e-14));
    }

    /// <summary>A number the prose states: as written, its value, its decimals, whether it is a percentage.</summary>
    public sealed record Claim(string Text, double Value, int Decimals, bool Percent, bool Scientific, string Context)
    {
        /// <summary>
        /// True when the printed value <paramref name="v"/> rounds to this number at its precision; a percentage
        /// matches only a printed percentage (<paramref name="printedAsPercent"/>) or a fraction between 0 and 1.
        /// </summary>
        public bool MatchedBy(double v, bool printedAsPercent = false)
        {
            if (Scientific)
            {
                if (v == 0 || Math.Sign(v) != Math.Sign(Value)) return false;
                var exponent = Math.Floor(Math.Log10(Math.Abs(Value)));
                var scale = Math.Pow(10, exponent - Decimals);
                return Math.Abs(v - Value) <= 0.5 * scale * (1 + 1e-9);
            }
            var half = 0.5 * Math.Pow(10, -Decimals) * (1 + 1e-9);
            if (Percent)
                return (printedAsPercent && Math.Abs(v - Value) <= half)
                    || (v is >= 0 and <= 1 && Math.Abs(100 * v - Value) <= half);
            return Math.Abs(v - Value) <= half || Math.Abs(Math.Abs(v) - Math.Abs(Value)) <= half;
        }
    }

    /// <summary>The claims in a markdown text: formulas, code, links and headings removed first.</summary>
    public static IReadOnlyList<Claim> Claims(string markdown)
    {
        var text = string.Join("\n", markdown.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        text = Formula().Replace(text, " ");
        text = Code().Replace(text, " ");
        text = Link().Replace(text, m => m.Groups[1].Value);
        text = Url().Replace(text, " ");
        var claims = new List<Claim>();
        foreach (Match m in Number().Matches(text))
        {
            var mantissa = m.Groups["m"].Value.Replace(",", "");
            bool percent = m.Groups["pct"].Success || (m.Groups["range"].Success && PercentAfterRange(text, m));
            bool scientific = m.Groups["pow"].Success || m.Groups["e"].Success;
            bool isDecimal = mantissa.Contains('.');
            if (!isDecimal && !percent && !scientific) continue;
            var value = double.Parse(mantissa, CultureInfo.InvariantCulture);
            if (m.Groups["pow"].Success) value *= Math.Pow(10, Superscript(m.Groups["pow"].Value));
            if (m.Groups["e"].Success) value *= Math.Pow(10,
                int.Parse(m.Groups["e"].Value, CultureInfo.InvariantCulture));
            var decimals = isDecimal ? mantissa.Length - mantissa.IndexOf('.') - 1 : 0;
            var start = Math.Max(0, m.Index - 40);
            var context = text[start..Math.Min(text.Length, m.Index + m.Length + 20)].Replace('\n', ' ');
            claims.Add(new Claim(m.Value.TrimEnd('–', '-', ' '), value, decimals, percent, scientific, context));
        }
        return claims;
    }

    private static bool PercentAfterRange(string text, Match m)
    {
        var rest = text[(m.Index + m.Length)..];
        return Regex.IsMatch(rest, @"^\d+(\.\d+)?%");
    }

    private static int Superscript(string s)
    {
        var digits = s.Replace("⁻", "-").Select(c => c switch
        {
            '⁰' => '0', '¹' => '1', '²' => '2', '³' => '3', '⁴' => '4', '⁵' => '5', '⁶' => '6', '⁷' => '7', '⁸' => '8',
            '⁹' => '9', _ => c,
        });
        return int.Parse(string.Concat(digits), CultureInfo.InvariantCulture);
    }

    /// <summary>Every number in the printed text, with its sign, and whether a % follows it.</summary>
    private static List<(double Value, bool Percent)> PrintedNumbers(string text) =>
        PrintedNumber().Matches(text)
            .Select(m => (Parsed: double.TryParse(m.Groups["n"].Value.Replace(",", "").Replace('−',
                '-'), NumberStyles.Float,
                CultureInfo.InvariantCulture, out var v), Value: v, Percent: m.Groups["pct"].Success))
            .Where(x => x.Parsed).Select(x => (x.Value, x.Percent)).ToList();

    [GeneratedRegex(@"\$\$.*?\$\$|\$[^$\n]*\$", RegexOptions.Singleline)]
    private static partial Regex Formula();

    [GeneratedRegex(@"```.*?```|`[^`\n]*`", RegexOptions.Singleline)]
    private static partial Regex Code();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Url();

    [GeneratedRegex(@"(?<![\w.§])(?<m>\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?)"
        + @"(?:(?<pct>%)|(?:·10(?<pow>⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))|(?:[eE](?<e>[-+]?\d+))|(?<range>[–-](?=\d)))?"
        + @"(?(range)|(?![\w.]\d))")]
    private static partial Regex Number();

    [GeneratedRegex(@"(?<n>[-−]?\d+(,\d{3})*(\.\d+)?([eE][-+]?\d+)?)(?<pct> ?%)?")]
    private static partial Regex PrintedNumber();
}
