using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>
/// The copula "X is a Y" (이다) and its negation "X is not a Y" (Y이/가 아니다), attached to the predicate noun.
/// The form depends on whether the noun ends in a batchim (학생 vs 의사):
/// formal 학생입니다 / 의사입니다, polite 학생이에요 / 의사예요, plain 학생이야 / 의사야;
/// past 학생이었습니다 / 의사였습니다 (…이었어요/였어요, …이었어/였어);
/// negated 학생이 아닙니다 / 의사가 아닙니다 (아니에요, 아니야; past 아니었습니다, 아니었어요, 아니었어).
/// </summary>
internal static class KoreanCopula
{
    /// <summary>The predicate for <paramref name="noun"/>; present or past only (there is no
    /// simple future copula).</summary>
    public static string Predicate(string noun, Tense tense, Politeness politeness, bool negated)
    {
        if (tense == Tense.Future)
            throw new ArgumentException("KoreanCopula.Predicate: only Present and Past are generated");
        bool batchim = Hangul.HasBatchim(noun);
        if (negated)
        {
            string not = (tense, politeness) switch
            {
                (Tense.Present, Politeness.Formal) => "아닙니다",
                (Tense.Present, Politeness.Polite) => "아니에요",
                (Tense.Present, _) => "아니야",
                (_, Politeness.Formal) => "아니었습니다",
                (_, Politeness.Polite) => "아니었어요",
                _ => "아니었어",
            };
            return KoreanParticles.Subject(noun) + " " + not;
        }
        return noun + (tense, politeness) switch
        {
            (Tense.Present, Politeness.Formal) => "입니다",
            (Tense.Present, Politeness.Polite) => batchim ? "이에요" : "예요",
            (Tense.Present, _) => batchim ? "이야" : "야",
            (_, Politeness.Formal) => batchim ? "이었습니다" : "였습니다",
            (_, Politeness.Polite) => batchim ? "이었어요" : "였어요",
            _ => batchim ? "이었어" : "였어",
        };
    }
}
