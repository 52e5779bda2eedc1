namespace TransformerCourse.Data;

/// <summary>The classic first tests of a sequence-to-sequence model.</summary>
public enum TokenTask
{
    /// <summary>Output = input ("3141" → "3141"): the model must route each token to the same position.</summary>
    Copy,
    /// <summary>Output = input backwards ("3141" → "1413"): position t goes to position n−1−t.</summary>
    Reverse,
    /// <summary>Output = input sorted in ordinal (symbol) order, repeats kept ("3141" → "1134").</summary>
    Sort,
}

/// <summary>
/// Copy / reverse / sort examples made on the fly from a seed, no files. A sequence is a string of symbols, one
/// char each (default the digits 0–9), read with <see cref="CharTokenizer"/> and <see cref="Vocabulary"/>(symbols).
/// Lengths are uniform in [minLength, maxLength], each symbol uniform and independent.
/// </summary>
public static class TokenTasks
{
    /// <summary>The default alphabet: the ten digits.</summary>
    public const string Digits = "0123456789";

    /// <summary>The target of <paramref name="task"/> for input <paramref name="source"/>.</summary>
    public static string Apply(TokenTask task, string source) => task switch
    {
        TokenTask.Copy => source,
        TokenTask.Reverse => new string(source.Reverse().ToArray()),
        TokenTask.Sort => new string(source.Order().ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(task), $"TokenTasks.Apply: unknown task {task}"),
    };

    /// <summary>
    /// <paramref name="count"/> examples of <paramref name="task"/>, a pure function of all the arguments
    /// (the same seed gives the same list). Sources may repeat; use <see cref="Splits"/> for disjoint sets.
    /// </summary>
    public static IReadOnlyList<TextPair> Generate(TokenTask task, int count, int minLength, int maxLength, int seed,
        string symbols = Digits)
    {
        Check(minLength, maxLength, symbols);
        var rng = new SplitMix64((ulong)seed);
        return Enumerable.Range(0, count).Select(_ => Example(task, rng, minLength, maxLength, symbols)).ToList();
    }

    /// <summary>
    /// Train/validation/test sets with pairwise different sources (no test source is ever trained on),
    /// so exact-match on Test measures generalisation, not memory. Throws when the lengths and alphabet
    /// cannot supply that many distinct sequences. (Short lengths run out first, so asking for most of all possible
    /// sequences makes long ones more common than the uniform length would.)
    /// </summary>
    public static DatasetSplits Splits(TokenTask task, int trainCount, int validCount, int testCount, int minLength,
        int maxLength, int seed, string symbols = Digits)
    {
        Check(minLength, maxLength, symbols);
        int total = trainCount + validCount + testCount;
        double possible = Enumerable.Range(minLength, maxLength - minLength + 1).Sum(n => Math.Pow(symbols.Length, n));
        if (total > possible)
            throw new ArgumentException($"TokenTasks.Splits: {total} distinct sequences asked for, " +
                $"but lengths {minLength}..{maxLength} over {symbols.Length} symbols allow only {possible}; " +
                "ask for fewer or allow longer sequences");
        var rng = new SplitMix64((ulong)seed);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<TextPair>(total);
        for (long tries = 0; all.Count < total; tries++)
        {
            if (tries > 100L * total)
                throw new ArgumentException($"TokenTasks.Splits: could not draw {total} distinct sequences of " +
                    $"lengths {minLength}..{maxLength}; allow longer sequences");
            var pair = Example(task, rng, minLength, maxLength, symbols);
            if (seen.Add(pair.Source)) all.Add(pair);
        }
        return new DatasetSplits(all.GetRange(0, trainCount), all.GetRange(trainCount, validCount),
            all.GetRange(trainCount + validCount, testCount));
    }

    /// <summary>The vocabulary of the task: the special tokens, then one id per symbol in alphabet order.</summary>
    public static Vocabulary Vocabulary(string symbols = Digits)
        => Data.Vocabulary.FromTokens(symbols.Select(c => c.ToString()));

    private static TextPair Example(TokenTask task, SplitMix64 rng, int minLength, int maxLength, string symbols)
    {
        int length = rng.Next(minLength, maxLength);
        var source = new string(Enumerable.Range(0, length).Select(_ => symbols[rng.Next(symbols.Length)]).ToArray());
        return new TextPair(source, Apply(task, source));
    }

    private static void Check(int minLength, int maxLength, string symbols)
    {
        if (minLength < 1 || maxLength < minLength)
            throw new ArgumentException($"TokenTasks: need 1 ≤ minLength ≤ maxLength, got {minLength}..{maxLength}");
        if (symbols.Length == 0 || symbols.Distinct().Count() != symbols.Length)
            throw new ArgumentException($"TokenTasks: the symbols must be distinct and non-empty, got \"{symbols}\"");
    }
}
