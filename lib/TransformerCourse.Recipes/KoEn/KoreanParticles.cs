using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>
/// Korean case particles that change form with the noun's last sound (see <see cref="Hangul.HasBatchim"/>):
/// after a consonant the first form, after a vowel the second. 에 (to/at) and 에서 (at, where an action happens)
/// never change.
/// </summary>
internal static class KoreanParticles
{
    /// <summary>Topic marker 은/는: 학생 → 학생은, 나 → 나는.</summary>
    public static string Topic(string noun) => noun + (Hangul.HasBatchim(noun) ? "은" : "는");

    /// <summary>Subject marker 이/가 (also before 아니다, "is not"): 학생 → 학생이, 의사 → 의사가.</summary>
    public static string Subject(string noun) => noun + (Hangul.HasBatchim(noun) ? "이" : "가");

    /// <summary>Object marker 을/를: 책 → 책을, 사과 → 사과를.</summary>
    public static string Object(string noun) => noun + (Hangul.HasBatchim(noun) ? "을" : "를");

    /// <summary>"with/and" 과/와: 선생님 → 선생님과, 친구 → 친구와.</summary>
    public static string With(string noun) => noun + (Hangul.HasBatchim(noun) ? "과" : "와");

    /// <summary>Destination 에 (invariant): 학교 → 학교에.</summary>
    public static string To(string noun) => noun + "에";

    /// <summary>Place of an action 에서 (invariant): 도서관 → 도서관에서.</summary>
    public static string At(string noun) => noun + "에서";
}
