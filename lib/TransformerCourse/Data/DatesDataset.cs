namespace TransformerCourse.Data;

/// <summary>
/// Human-readable dates paired with ISO dates: ("monday 21 march 1994", "1994-03-21"), ("21/3/94", "1994-03-21"),
/// ("March 21st, 1994", "1994-03-21"), …, in the 14 formats of <see cref="DateFormat.All"/>, for calendar dates
/// 1950-01-01 … 2049-12-31. Each generated example is a different calendar date with a uniformly chosen format,
/// so no date — and no input or output string — occurs in two splits: the test dates are truly held out.
/// Inputs are 6–28 characters, outputs always 10; read both with <see cref="CharTokenizer"/>.
/// </summary>
public static class DatesDataset
{
    /// <summary>The seed of the committed files in datasets/dates/.</summary>
    public const int DefaultSeed = 1994;

    /// <summary>The first date drawn.</summary>
    public static readonly DateOnly MinDate = new(1950, 1, 1);

    /// <summary>The last date drawn.</summary>
    public static readonly DateOnly MaxDate = new(2049, 12, 31);

    /// <summary>
    /// <paramref name="count"/> examples with pairwise different calendar dates (at most 36,525), a pure function of
    /// <paramref name="seed"/>; each comes with the index of its format in <see cref="DateFormat.All"/>.
    /// </summary>
    public static IReadOnlyList<(TextPair Pair, int Format)> GenerateWithFormats(int seed, int count)
    {
        int days = MaxDate.DayNumber - MinDate.DayNumber + 1;
        if (count < 0 || count > days)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"DatesDataset.Generate: count must be in 0..{days}, got {count}");
        var rng = new SplitMix64((ulong)seed);
        var dayNumbers = Enumerable.Range(MinDate.DayNumber, days).ToArray();
        var examples = new List<(TextPair, int)>(count);
        for (int i = 0; i < count; i++)
        {
            // partial Fisher–Yates: dayNumbers[i] becomes a fresh, uniformly chosen date
            int j = i + rng.Next(days - i);
            (dayNumbers[i], dayNumbers[j]) = (dayNumbers[j], dayNumbers[i]);
            var date = DateOnly.FromDayNumber(dayNumbers[i]);
            int format = rng.Next(DateFormat.All.Count);
            examples.Add((new TextPair(DateFormat.All[format].Render(date), DateFormat.Iso(date)), format));
        }
        return examples;
    }

    /// <summary>As <see cref="GenerateWithFormats"/>, the pairs only.</summary>
    public static IReadOnlyList<TextPair> Generate(int seed, int count)
        => GenerateWithFormats(seed, count).Select(e => e.Pair).ToList();

    /// <summary>
    /// The fixed split: the first <paramref name="trainCount"/> generated examples train, the next
    /// <paramref name="validCount"/> validate, the next <paramref name="testCount"/> test (20,000 / 1,000 / 1,000 by
    /// default). datasets/dates/valid.tsv and test.tsv hold the default validation and test splits; the training
    /// split is not committed (≈ 600 KB) — this method makes it, identically on every machine.
    /// </summary>
    public static DatasetSplits Create(int seed = DefaultSeed, int trainCount = 20_000, int validCount = 1_000,
        int testCount = 1_000)
    {
        var all = Generate(seed, trainCount + validCount + testCount);
        return new DatasetSplits(Slice(all, 0, trainCount), Slice(all, trainCount, validCount),
            Slice(all, trainCount + validCount, testCount));
    }

    /// <summary>
    /// A small sample for people to read: the first <paramref name="perFormat"/> training examples of each format,
    /// format by format (datasets/dates/sample.tsv holds 3 per format from the default seed).
    /// </summary>
    public static IReadOnlyList<TextPair> Sample(int seed = DefaultSeed, int perFormat = 3, int trainCount = 20_000) =>
        GenerateWithFormats(seed, trainCount)
            .GroupBy(e => e.Format).OrderBy(g => g.Key)
            .SelectMany(g => g.Take(perFormat).Select(e => e.Pair)).ToList();

    private static IReadOnlyList<TextPair> Slice(IReadOnlyList<TextPair> all, int start, int count)
        => all.Skip(start).Take(count).ToList();
}
