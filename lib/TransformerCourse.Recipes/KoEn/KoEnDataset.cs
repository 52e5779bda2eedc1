using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>
/// A synthetic Korean → English parallel corpus from a small grammar, so that word order differs (Korean is
/// subject–object–verb with the verb last, English subject–verb–object) and a model must reorder:
/// "나는 도서관에서 책을 읽었습니다" ↔ "I read a book at the library". Sentence kinds: copula ("X는 Y입니다" ↔
/// "X is a Y"), transitive, intransitive at a place, and motion to a place; features: three tenses, negation
/// (안 … / …지 않다), three speech levels (합니다체 / 해요체 / 반말), optional time words. Particles follow the
/// batchim rule (<see cref="KoreanParticles"/>), verbs are conjugated by <see cref="KoreanVerb"/>, English agrees
/// with its subject (I am / he is, goes / went / will go, does not go). No final punctuation; words are separated
/// by single spaces, so <see cref="WordTokenizer"/> reads both sides. Korean ≤ 7 words, English ≤ 9 words.
/// </summary>
public static class KoEnDataset
{
    /// <summary>The seed of the committed corpus in datasets/ko-en/.</summary>
    public const int DefaultSeed = 2017;

    /// <summary>The seed example of the course notes; it is line 1 of the test split (never trained on).</summary>
    public static readonly TextPair SeedPair = new("나는 학생입니다", "I am a student");

    /// <summary>The longest Korean sentence generated, in words.</summary>
    public const int MaxKoreanWords = 7;

    /// <summary>The longest English sentence generated, in words.</summary>
    public const int MaxEnglishWords = 9;

    /// <summary>
    /// <paramref name="count"/> pairs with pairwise different Korean sentences, a pure function
    /// of <paramref name="seed"/>.
    /// </summary>
    public static IReadOnlyList<TextPair> Generate(int seed, int count)
    {
        var rng = new SplitMix64((ulong)seed);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var pairs = new List<TextPair>(count);
        while (pairs.Count < count)
        {
            var pair = Sample(rng);
            if (Record(seen, pair)) pairs.Add(pair);
        }
        return pairs;
    }

    /// <summary>
    /// The fixed split (4,000 / 500 / 500 by default, as committed in datasets/ko-en/): no Korean sentence occurs in
    /// two splits, and validation/test sentences use only words (Korean and English) that occur in training, so every
    /// held-out sentence is a new combination of known words. The test split starts with <see cref="SeedPair"/>.
    /// </summary>
    public static DatasetSplits Create(int seed = DefaultSeed, int trainCount = 4000, int validCount = 500,
        int testCount = 500)
    {
        if (testCount < 1)
            throw new ArgumentException($"KoEnDataset.Create: the test split holds at least the seed pair, got " +
                $"testCount {testCount}");
        var rng = new SplitMix64((ulong)seed);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        Record(seen, SeedPair);
        var train = new List<TextPair>(trainCount);
        while (train.Count < trainCount)
        {
            var pair = Sample(rng);
            if (Record(seen, pair)) train.Add(pair);
        }
        var known = new HashSet<string>(train.SelectMany(p => Words(p.Source).Concat(Words(p.Target))),
            StringComparer.Ordinal);
        bool Known(TextPair p) => Words(p.Source).Concat(Words(p.Target)).All(known.Contains);
        if (!Known(SeedPair))
            throw new InvalidOperationException($"KoEnDataset.Create: seed {seed} leaves a word of the seed pair out " +
                $"of training");
        var valid = new List<TextPair>(validCount);
        var test = new List<TextPair>(testCount) { SeedPair };
        for (int tries = 0; valid.Count < validCount || test.Count < testCount; tries++)
        {
            if (tries > 100 * (validCount + testCount))
                throw new InvalidOperationException("KoEnDataset.Create: the grammar cannot supply enough new " +
                    "sentences");
            var pair = Sample(rng);
            if (!Known(pair) || !Record(seen, pair)) continue;
            (valid.Count < validCount ? valid : test).Add(pair);
        }
        return new DatasetSplits(train, valid, test);
    }

    /// <summary>One random sentence pair of the grammar.</summary>
    internal static TextPair Sample(SplitMix64 rng)
    {
        while (true)
        {
            var politeness = (Politeness)rng.Next(3);
            var subject = rng.Pick(KoEnLexicon.Subjects.Where(s => s.Levels.Contains(politeness)).ToList());
            double kind = rng.NextDouble();
            var pair = kind < 0.2 ? Copula(rng, subject, politeness)
                : kind < 0.65 ? VerbSentence(rng, subject, politeness, KoEnLexicon.Transitive, placeChance: 0.4)
                : kind < 0.85 ? VerbSentence(rng, subject, politeness, KoEnLexicon.Intransitive, placeChance: 0.75)
                : VerbSentence(rng, subject, politeness, KoEnLexicon.Motion, placeChance: 1.0);
            if (Words(pair.Source).Length <= MaxKoreanWords && Words(pair.Target).Length <= MaxEnglishWords)
                return pair;
        }
    }

    /// <summary>"X는 Y입니다" ↔ "X is a Y" (present or past, maybe negated: "X는 Y가 아닙니다" ↔ "X is not a Y").</summary>
    internal static TextPair Copula(SplitMix64 rng, KoSubject subject, Politeness politeness)
    {
        var tense = rng.Next(2) == 0 ? Tense.Present : Tense.Past;
        bool negated = rng.NextDouble() < 0.3;
        var profession = rng.Pick(KoEnLexicon.Professions.Where(p => p.Korean != subject.Korean).ToList());
        string korean = KoreanParticles.Topic(subject.Korean) + " " +
            KoreanCopula.Predicate(profession.Korean, tense, politeness, negated);
        string noun = subject.IsPlural ? profession.Plural
            : EnglishGrammar.Article(profession.Singular) + " " + profession.Singular;
        string english = $"{subject.English} {EnglishGrammar.Be(subject.Agreement, tense, negated)} {noun}";
        return new TextPair(korean, EnglishGrammar.Capitalise(english));
    }

    /// <summary>
    /// Korean: subject-는 [time] [place-에서/에] [object-를] verb; English: subject verb [object] [at/to place] [time].
    /// Motion verbs take the destination (에, "to …"), the others the location (에서, "at …").
    /// </summary>
    internal static TextPair VerbSentence(SplitMix64 rng, KoSubject subject, Politeness politeness, KoVerb[] verbs,
        double placeChance)
    {
        var verb = rng.Pick(verbs);
        var tense = (Tense)rng.Next(3);
        double n = rng.NextDouble();
        var negation = n < 0.5 ? Negation.None : n < 0.75 ? Negation.Short : Negation.Long;
        var times = KoEnLexicon.Times.Where(t => t.Tenses.Contains(tense)).ToList();
        KoTime? time = rng.NextDouble() < 0.35 ? rng.Pick(times) : null;
        bool motion = verbs == KoEnLexicon.Motion;
        KoObject? obj = verb.Objects.Length > 0 ? KoEnLexicon.Object(rng.Pick(verb.Objects)) : null;
        KoPlace? place = verb.Places.Length > 0 && rng.NextDouble() < placeChance
            ? KoEnLexicon.Place(rng.Pick(verb.Places)) : null;

        var korean = new List<string> { KoreanParticles.Topic(subject.Korean) };
        if (time != null) korean.Add(time.Korean);
        if (place != null) korean.Add(motion ? KoreanParticles.To(place.Korean) : KoreanParticles.At(place.Korean));
        if (obj != null) korean.Add(KoreanParticles.Object(obj.Korean));
        korean.Add(verb.Korean.Conjugate(tense, politeness, negation));

        var english = new List<string> { subject.English,
            verb.English.Conjugate(subject.Agreement, tense, negation != Negation.None) };
        if (obj != null) english.Add(verb.General ? obj.General : obj.One);
        if (place != null) english.Add(motion ? place.To : place.At);
        if (time != null) english.Add(time.English);
        return new TextPair(string.Join(" ", korean), EnglishGrammar.Capitalise(string.Join(" ", english)));
    }

    private static string[] Words(string sentence) => sentence.Split(' ');

    /// <summary>Adds a new source; false if already seen. Throws if a seen source comes with a different target (a
    /// grammar bug).</summary>
    private static bool Record(Dictionary<string, string> seen, TextPair pair)
    {
        if (seen.TryGetValue(pair.Source, out string? target))
        {
            if (target != pair.Target)
                throw new InvalidOperationException($"KoEnDataset: '{pair.Source}' was translated both '{target}' " +
                    $"and '{pair.Target}'");
            return false;
        }
        seen.Add(pair.Source, pair.Target);
        return true;
    }
}
