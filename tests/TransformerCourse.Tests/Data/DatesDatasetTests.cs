using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Data;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Data;

public class DatesDatasetTests
{
    [Fact]
    public void FormatsHandCheckedFor21March1994AMonday()
    {
        string[] expected =
        [
            "monday 21 march 1994", "21/3/94", "March 21, 1994", "21 mar 1994", "21.03.1994", "monday, march 21 1994",
            "21 March 1994", "Mar 21 1994", "21/03/1994", "MONDAY 21 MARCH 1994", "Mon 21 Mar 1994", "21st March 1994",
            "March 21st, 1994", "21-Mar-1994",
        ];
        Assert.Equal(expected, DateFormat.All.Select(f => f.Render(new DateOnly(1994, 3, 21))));
        Assert.Equal("1994-03-21", DateFormat.Iso(new DateOnly(1994, 3, 21)));
    }

    [Fact]
    public void FormatsHandCheckedFor9May2018AWednesday()
    {
        Assert.Equal("wednesday 9 may 2018", DateFormat.All[0].Render(new DateOnly(2018, 5, 9)));
        Assert.Equal("9/5/18", DateFormat.All[1].Render(new DateOnly(2018, 5, 9)));
        Assert.Equal("1/1/50", DateFormat.All[1].Render(new DateOnly(1950, 1, 1)));
        Assert.Equal("31/12/49", DateFormat.All[1].Render(new DateOnly(2049, 12, 31)));
    }

    [Theory]
    [InlineData(1, "1st")] [InlineData(2, "2nd")] [InlineData(3, "3rd")] [InlineData(4, "4th")] [InlineData(11, "11th")]
    [InlineData(12, "12th")] [InlineData(13, "13th")] [InlineData(21, "21st")] [InlineData(22, "22nd")]
        [InlineData(23, "23rd")]
    [InlineData(30, "30th")] [InlineData(31, "31st")]
    public void Ordinals(int day, string ordinal) => Assert.Equal(ordinal, DateFormat.Ordinal(day));

    // An independent reader: .NET's own ParseExact with invariant month/day names. It checks the weekday against the
    // date, matches names case-insensitively and reads yy with TwoDigitYearMax 2049 (00–49 → 20yy, 50–99 → 19yy).
    private static readonly string[] NetPatterns =
    [
        "dddd d MMMM yyyy", "d/M/yy", "MMMM d, yyyy", "d MMM yyyy", "dd.MM.yyyy", "dddd, MMMM d yyyy",
        "d MMMM yyyy", "MMM d yyyy", "dd/MM/yyyy", "ddd d MMM yyyy", "d-MMM-yyyy",
    ];

    private static DateTime ParseIndependently(string text)
    {
        // Ordinal days ("21st March 1994", "March 21st, 1994") lose their suffix after checking it by the English rule.
        var ordinal = Regex.Match(text, @"\b(\d{1,2})(st|nd|rd|th)\b");
        if (ordinal.Success)
        {
            int day = int.Parse(ordinal.Groups[1].Value, CultureInfo.InvariantCulture);
            string suffix = day is 11 or 12 or 13 ? "th"
                : (day % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" };
            Assert.Equal(suffix, ordinal.Groups[2].Value);
            text = text.Remove(ordinal.Groups[2].Index, 2);
        }
        return DateTime.ParseExact(text, NetPatterns, CultureInfo.InvariantCulture, DateTimeStyles.None);
    }

    [Fact]
    public void IndependentReaderRejectsAWrongWeekday() =>
        Assert.Throws<FormatException>(() => ParseIndependently("saturday 9 may 2018"));  // 9 May 2018 was a Wednesday

    [Fact]
    public void CommittedHeldOutDatesParseToTheirIsoTargets()
    {
        foreach (string file in new[] { "dates/valid.tsv", "dates/test.tsv", "dates/sample.tsv" })
            foreach (var pair in TsvFile.Read(Path.Combine(RepoPaths.Datasets, file)))
                Assert.Equal(pair.Target,
                    ParseIndependently(pair.Source).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void CreateHasTheDocumentedSizesDisjointDatesAndShortInputs()
    {
        var s = DatesDataset.Create();
        Assert.Equal((20_000, 1_000, 1_000), (s.Train.Count, s.Valid.Count, s.Test.Count));
        var all = s.Train.Concat(s.Valid).Concat(s.Test).ToList();
        Assert.Equal(22_000, all.Select(p => p.Target).Distinct().Count());   // each calendar date once
        Assert.Equal(22_000, all.Select(p => p.Source).Distinct().Count());   // so no input string repeats either
        Assert.All(all, p => Assert.InRange(p.Source.Length, 6, 30));
        Assert.All(all, p => Assert.Matches(@"^(19[5-9]\d|20[0-4]\d)-\d\d-\d\d$", p.Target));
        Assert.Equal(28, all.Max(p => p.Source.Length));
    }

    [Fact]
    public void GenerateIsDeterministicAndUsesEveryFormat()
    {
        var a = DatesDataset.GenerateWithFormats(7, 2000);
        Assert.Equal(a, DatesDataset.GenerateWithFormats(7, 2000));
        Assert.NotEqual(a.Select(e => e.Pair), DatesDataset.Generate(8, 2000));
        var perFormat = a.GroupBy(e => e.Format).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(DateFormat.All.Count, perFormat.Count);
        Assert.All(perFormat.Values, n => Assert.InRange(n, 100, 190));  // ≈ 143 each
        Assert.All(a, e => Assert.Equal(e.Pair.Source, DateFormat.All[e.Format]
            .Render(DateOnly.ParseExact(e.Pair.Target, "yyyy-MM-dd", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void SampleShowsThreeOfEachFormatFromTraining()
    {
        var sample = DatesDataset.Sample();
        Assert.Equal(3 * DateFormat.All.Count, sample.Count);
        var train = DatesDataset.Create().Train.ToHashSet();
        Assert.All(sample, p => Assert.Contains(p, train));
    }
}
