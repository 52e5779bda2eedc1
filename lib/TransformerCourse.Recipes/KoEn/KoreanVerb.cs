using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>
/// A Korean verb and its conjugation in the three speech levels, three tenses and two negations.
/// Rules, on the stem (the dictionary form minus 다):
/// formal present: vowel stem + ㅂ니다 (가 → 갑니다), ㄹ stem drops ㄹ (만들 → 만듭니다), else + 습니다 (먹습니다);
/// the 아/어 form: 하 → 해, else 아 after ㅏ/ㅗ and 어 otherwise, contracted after a vowel
/// (가+아 → 가, 보+아 → 봐, 배우+어 → 배워, 마시+어 → 마셔, 쓰+어 → 써); polite = 아/어 form + 요, plain = the 아/어 form;
/// past = 아/어 form + ㅆ, then 습니다 / 어요 / 어; future = stem + (으)ㄹ 것입니다 / 거예요 / 거야;
/// negation: 안 + verb, or stem + 지 않다 conjugated the same way. ㄷ-irregular stems (듣다) become ㄹ before a vowel.
/// </summary>
internal sealed class KoreanVerb
{
    private readonly string _stem;

    /// <summary>A verb from its dictionary form (ending in 다).</summary>
    /// <param name="dictionaryForm">e.g. "먹다", "공부하다".</param>
    /// <param name="digeutIrregular">True for ㄷ-irregular verbs such as 듣다 (들어요, 들었습니다, 들을).</param>
    /// <param name="nounHada">True for noun + 하다 verbs (공부하다, 일하다), whose short negation splits: 공부 안 합니다.</param>
    public KoreanVerb(string dictionaryForm, bool digeutIrregular = false, bool nounHada = false)
    {
        if (dictionaryForm.Length < 2 || dictionaryForm[^1] != '다' || !dictionaryForm.All(Hangul.IsSyllable))
            throw new ArgumentException($"KoreanVerb: '{dictionaryForm}' is not a Hangul verb in dictionary form (…다)");
        if (nounHada && !dictionaryForm.EndsWith("하다", StringComparison.Ordinal))
            throw new ArgumentException($"KoreanVerb: '{dictionaryForm}' is marked noun+하다 but does not end in 하다");
        DictionaryForm = dictionaryForm;
        DigeutIrregular = digeutIrregular;
        NounHada = nounHada;
        _stem = dictionaryForm[..^1];
    }

    /// <summary>The dictionary form, e.g. "먹다".</summary>
    public string DictionaryForm { get; }

    /// <summary>True for ㄷ-irregular verbs (듣다).</summary>
    public bool DigeutIrregular { get; }

    /// <summary>True for noun + 하다 verbs (공부하다).</summary>
    public bool NounHada { get; }

    /// <summary>
    /// The verb phrase for the given features; it may be several words: "먹습니다", "안 먹었어요", "먹지 않을 거야",
    /// "공부 안 합니다", "갈 것입니다".
    /// </summary>
    public string Conjugate(Tense tense, Politeness politeness, Negation negation) => negation switch
    {
        Negation.None => Inflect(_stem, tense, politeness, DigeutIrregular),
        Negation.Short when NounHada => _stem[..^1] + " 안 " + Inflect("하", tense, politeness, false),
        Negation.Short => "안 " + Inflect(_stem, tense, politeness, DigeutIrregular),
        Negation.Long => _stem + "지 " + Inflect("않", tense, politeness, false),
        _ => throw new ArgumentOutOfRangeException(nameof(negation)),
    };

    private static string Inflect(string stem, Tense tense, Politeness politeness, bool digeutIrregular) => tense switch
    {
        Tense.Present => politeness switch
        {
            Politeness.Formal => FormalPresent(stem),
            Politeness.Polite => AEoForm(stem, digeutIrregular) + "요",
            _ => AEoForm(stem, digeutIrregular),
        },
        Tense.Past => Hangul.ReplaceLastFinal(AEoForm(stem, digeutIrregular), Hangul.FinalSsangSiot) + politeness switch
        {
            Politeness.Formal => "습니다",
            Politeness.Polite => "어요",
            _ => "어",
        },
        Tense.Future => FutureAttributive(stem, digeutIrregular) + politeness switch
        {
            Politeness.Formal => " 것입니다",
            Politeness.Polite => " 거예요",
            _ => " 거야",
        },
        _ => throw new ArgumentOutOfRangeException(nameof(tense)),
    };

    /// <summary>합니다체 present: 가 → 갑니다, 만들 → 만듭니다, 먹 → 먹습니다.</summary>
    private static string FormalPresent(string stem)
    {
        int final = Hangul.FinalOf(stem);
        if (final == Hangul.NoFinal || final == Hangul.FinalRieul)
            return Hangul.ReplaceLastFinal(stem, Hangul.FinalBieup) + "니다";
        return stem + "습니다";
    }

    /// <summary>The 아/어 form (해요 without 요): 하 → 해, 가 → 가, 보 → 봐, 마시 → 마셔, 먹 → 먹어, 듣 → 들어.</summary>
    private static string AEoForm(string stem, bool digeutIrregular)
    {
        if (stem.EndsWith('하')) return stem[..^1] + "해";
        if (digeutIrregular) stem = Hangul.ReplaceLastFinal(stem, Hangul.FinalRieul);
        var (_, vowel, final) = Hangul.Decompose(stem[^1]);
        if (final != Hangul.NoFinal) return stem + (IsBright(vowel) ? "아" : "어");
        int contracted = vowel switch
        {
            Hangul.Vowel.A or Hangul.Vowel.Eo or Hangul.Vowel.Ae or Hangul.Vowel.E => vowel,  // 가 → 가, 서 → 서, 보내 → 보내
            Hangul.Vowel.O => Hangul.Vowel.Wa,                                                // 보 → 봐
            Hangul.Vowel.U => Hangul.Vowel.Wo,                                                // 배우 → 배워
            Hangul.Vowel.I => Hangul.Vowel.Yeo,                                               // 마시 → 마셔
            Hangul.Vowel.Oe => Hangul.Vowel.Wae,                                              // 되 → 돼
            // 쓰 → 써, 바쁘 → 바빠
            Hangul.Vowel.Eu
                => stem.Length > 1 && IsBright(Hangul.Decompose(stem[^2]).Medial) ? Hangul.Vowel.A : Hangul.Vowel.Eo,
            _ => throw new ArgumentException($"KoreanVerb: no 아/어 contraction rule for the stem '{stem}'"),
        };
        return stem[..^1] + Hangul.WithMedial(stem[^1], contracted);
    }

    /// <summary>The future attributive (으)ㄹ: 가 → 갈, 만들 → 만들, 먹 → 먹을, 듣 → 들을.</summary>
    private static string FutureAttributive(string stem, bool digeutIrregular)
    {
        if (digeutIrregular) stem = Hangul.ReplaceLastFinal(stem, Hangul.FinalRieul);
        int final = Hangul.FinalOf(stem);
        if (final == Hangul.NoFinal) return Hangul.ReplaceLastFinal(stem, Hangul.FinalRieul);
        if (final == Hangul.FinalRieul && !digeutIrregular) return stem;
        return stem + "을";
    }

    /// <summary>"Bright" (양성) vowels ㅏ and ㅗ take 아; all others take 어.</summary>
    private static bool IsBright(int vowel) => vowel is Hangul.Vowel.A or Hangul.Vowel.O;

    /// <inheritdoc/>
    public override string ToString() => DictionaryForm;
}
