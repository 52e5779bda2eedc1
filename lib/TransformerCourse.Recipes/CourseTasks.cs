using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Visualization;

namespace TransformerCourse.Recipes;

/// <summary>
/// One task of <c>course train</c> and what the command needs to know about it, so that the command itself never
/// branches on a task's name.
/// </summary>
/// <param name="Name">The name on the command line.</param>
/// <param name="Data">Where the task's data comes from, in one line.</param>
/// <param name="DefaultModel">The model kind trained when <c>--model</c> is not given (null for a heads task).</param>
public sealed record CourseTask(string Name, string Data, string? DefaultModel)
{
    /// <summary>Whether the report adds exact match by source length (dates: how far from
    /// the training lengths).</summary>
    public bool ReportsByLength { get; init; }

    /// <summary>How many of the sample translations also show their attention map.</summary>
    public int AttentionMaps { get; init; } = 1;

    /// <summary>The sources whose translations the report shows (null: the first five test sources).</summary>
    public Func<Experiment, IReadOnlyList<string>>? Samples { get; init; }

    /// <summary>For a heads task (an encoder classifier or a decoder-only language model): trains with a seed and
    /// returns the lines to print and whether the model beat its baseline. Null for
    /// a sequence-to-sequence task.</summary>
    public Func<int, HeadsOutcome>? Heads { get; init; }

    /// <summary>Whether this is a heads task (<see cref="Heads"/> set), which takes only a seed.</summary>
    public bool IsHeads => Heads is not null;

    /// <summary>The sources to translate in the report.</summary>
    public IReadOnlyList<string> SampleSources(Experiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return Samples?.Invoke(experiment) ?? experiment.Text.Test.Take(5).Select(p => p.Source).ToList();
    }
}

/// <summary>What a heads task printed and whether it beat its baseline.</summary>
/// <param name="Lines">The report, line by line.</param>
/// <param name="BeatBaseline">Whether the model did better than the trivial baseline.</param>
public sealed record HeadsOutcome(IReadOnlyList<string> Lines, bool BeatBaseline);

/// <summary>The tasks of <c>course train</c>: the sequence-to-sequence tasks of <see cref="Experiment"/>, then the
/// heads tasks of <see cref="HeadsOnTop"/>.</summary>
public static class CourseTasks
{
    private const string KoEnData = "data: generated in memory by KoEnDataset (seed 2017), identical to "
        + "datasets/ko-en/train.tsv, valid.tsv and test.tsv";

    private const string TokenData =
        "data: generated in memory by TokenTasks (seed 7, whatever --seed); nothing is read from datasets/";

    /// <summary>Every task, in the order the usage lists them.</summary>
    public static readonly IReadOnlyList<CourseTask> All =
    [
        new("copy", TokenData, "transformer"),
        new("reverse", TokenData, "transformer"),
        new("sort", TokenData, "transformer"),
        new("dates",
            "data: generated in memory by DatesDataset (seed 1994); its validation and test splits are identical to "
            + "datasets/dates/valid.tsv and test.tsv (the training split is not committed)", "bahdanau")
        {
            ReportsByLength = true,
        },
        new("ko-en", KoEnData, "transformer")
        {
            // The seed pair first, then a longer sentence too, where the verb moves from the end to second place.
            Samples = e => [KoEnDataset.SeedPair.Source, .. e.Text.Test.Skip(1).Take(4).Select(p => p.Source)],
            AttentionMaps = 2,
        },
        new("ko-negation", KoEnData, null) { Heads = NegationClassifier },
        new("en-lm", KoEnData, null) { Heads = EnglishLanguageModel },
    ];

    /// <summary>The task names, in order.</summary>
    public static IReadOnlyList<string> Names => All.Select(t => t.Name).ToList();

    /// <summary>The names of the heads tasks, which take only <c>--seed</c>.</summary>
    public static IReadOnlyList<string> HeadsNames => All.Where(t => t.IsHeads).Select(t => t.Name).ToList();

    /// <summary>The task called <paramref name="name"/>, or null.</summary>
    public static CourseTask? Find(string? name) => All.FirstOrDefault(t => t.Name == name);

    private static HeadsOutcome NegationClassifier(int seed)
    {
        var (_, _, c) = HeadsOnTop.TrainNegationClassifier(seed: seed);
        return new HeadsOutcome(
        [
            $"encoder classifier (is the Korean sentence negated?): {c.Steps} steps in {c.Seconds:F1} s, "
                + $"loss {TextPlot.Sparkline(c.Losses)}",
            $"test accuracy {c.TestAccuracy:P1} "
                + $"(always answering the class commonest in training: {c.MajorityBaseline:P1})",
        ], c.TestAccuracy > c.MajorityBaseline);
    }

    private static HeadsOutcome EnglishLanguageModel(int seed)
    {
        var (_, _, lm) = HeadsOnTop.TrainEnglishLanguageModel(seed: seed);
        return new HeadsOutcome(
        [
            $"decoder-only language model of the English sentences: {lm.Steps} steps in {lm.Seconds:F1} s, "
                + $"loss {TextPlot.Sparkline(lm.Losses)}",
            $"test perplexity {lm.TestPerplexity:F2} (a unigram model, which ignores the context: "
                + $"{lm.UnigramPerplexity:F1})",
            .. lm.Samples.Select(s => $"  {s}"),
        ], lm.TestPerplexity < lm.UnigramPerplexity);
    }
}
