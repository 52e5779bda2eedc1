using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>
/// Hangul syllable arithmetic. Each of the 11,172 precomposed syllables U+AC00 '가' … U+D7A3 '힣' is one UTF-16
/// char whose code point encodes its three letters:
/// code = 0xAC00 + (initial·21 + medial)·28 + final, with initial 0–18 (ㄱ…ㅎ), medial (vowel) 0–20 (ㅏ…ㅣ)
/// and final 0–27 (0 = no final consonant, the batchim 받침; 1 ㄱ … 8 ㄹ … 17 ㅂ … 20 ㅆ … 27 ㅎ).
/// Korean particles and verb endings are chosen by whether a word ends in a batchim.
/// </summary>
internal static class Hangul
{
    /// <summary>The first precomposed syllable, U+AC00 '가'.</summary>
    public const char First = '\uAC00';
    /// <summary>The last precomposed syllable, U+D7A3 '힣'.</summary>
    public const char Last = '\uD7A3';

    /// <summary>Final index: no batchim.</summary>
    public const int NoFinal = 0;
    /// <summary>Final index of ㄷ (듣다 → 들어요: the ㄷ-irregular verbs turn it into ㄹ before a vowel).</summary>
    public const int FinalDigeut = 7;
    /// <summary>Final index of ㄹ (ㄹ-stem verbs drop it before ㅂ니다: 만들다 → 만듭니다).</summary>
    public const int FinalRieul = 8;
    /// <summary>Final index of ㅂ (the formal ending: 가 → 갑니다).</summary>
    public const int FinalBieup = 17;
    /// <summary>Final index of ㅆ (the past tense: 가 → 갔다).</summary>
    public const int FinalSsangSiot = 20;

    /// <summary>Vowel (medial) indices used by the conjugation rules.</summary>
    public static class Vowel
    {
        /// <summary>ㅏ</summary>
        public const int A = 0;
        /// <summary>ㅐ</summary>
        public const int Ae = 1;
        /// <summary>ㅓ</summary>
        public const int Eo = 4;
        /// <summary>ㅔ</summary>
        public const int E = 5;
        /// <summary>ㅕ</summary>
        public const int Yeo = 6;
        /// <summary>ㅗ</summary>
        public const int O = 8;
        /// <summary>ㅘ</summary>
        public const int Wa = 9;
        /// <summary>ㅙ</summary>
        public const int Wae = 10;
        /// <summary>ㅚ</summary>
        public const int Oe = 11;
        /// <summary>ㅜ</summary>
        public const int U = 13;
        /// <summary>ㅝ</summary>
        public const int Wo = 14;
        /// <summary>ㅡ</summary>
        public const int Eu = 18;
        /// <summary>ㅣ</summary>
        public const int I = 20;
    }

    /// <summary>True for a precomposed syllable '가' … '힣'.</summary>
    public static bool IsSyllable(char c) => c >= First && c <= Last;

    /// <summary>The (initial, medial, final) letter indices of a syllable: '학' → (18, 0, 1).</summary>
    public static (int Initial, int Medial, int Final) Decompose(char syllable)
    {
        if (!IsSyllable(syllable))
            throw new ArgumentException($"Hangul.Decompose: '{syllable}' (U+{(int)syllable:X4}) is not a Hangul " +
                $"syllable");
        int index = syllable - First;
        return (index / (21 * 28), index / 28 % 21, index % 28);
    }

    /// <summary>The syllable with the given letter indices: Compose(18, 0, 1) = '학'.</summary>
    public static char Compose(int initial, int medial, int final)
    {
        if ((uint)initial > 18 || (uint)medial > 20 || (uint)final > 27)
            throw new ArgumentException($"Hangul.Compose: indices ({initial}, {medial}, {final}) are outside 0–18, " +
                $"0–20, 0–27");
        return (char)(First + (initial * 21 + medial) * 28 + final);
    }

    /// <summary>The final index of the last syllable of <paramref name="word"/> (0 = ends in a vowel).</summary>
    public static int FinalOf(string word)
    {
        if (word.Length == 0) throw new ArgumentException("Hangul.FinalOf: empty word");
        return Decompose(word[^1]).Final;
    }

    /// <summary>True when <paramref name="word"/> ends in a consonant (batchim): 학생 → true, 나 → false.</summary>
    public static bool HasBatchim(string word) => FinalOf(word) != NoFinal;

    /// <summary>The syllable with its final replaced: WithFinal('가', FinalBieup) = '갑'.</summary>
    public static char WithFinal(char syllable, int final)
    {
        var (initial, medial, _) = Decompose(syllable);
        return Compose(initial, medial, final);
    }

    /// <summary>The syllable with its vowel replaced: WithMedial('보', Vowel.Wa) = '봐'.</summary>
    public static char WithMedial(char syllable, int medial)
    {
        var (initial, _, final) = Decompose(syllable);
        return Compose(initial, medial, final);
    }

    /// <summary><paramref name="word"/> with its last syllable's final replaced: ReplaceLastFinal("가", FinalSsangSiot)
    /// = "갔".</summary>
    public static string ReplaceLastFinal(string word, int final) => word[..^1] + WithFinal(word[^1], final);
}
