using TransformerCourse.Data;

namespace TransformerCourse.Recipes.KoEn;

/// <summary>What an English verb agrees with: I am / you, we, they are / he, she, it is.</summary>
internal enum Agreement
{
    FirstSingular,
    ThirdSingular,
    Other,
}

/// <summary>An English verb's three stored forms; "listen to" keeps its particle in every form.</summary>
internal sealed record EnglishVerb(string Base, string ThirdSingular, string Past)
{
    /// <summary>
    /// The verb phrase: present eats / eat / does not eat / do not eat, past ate / did not eat,
    /// future will eat / will not eat.
    /// </summary>
    public string Conjugate(Agreement agreement, Tense tense, bool negated) => (tense, negated) switch
    {
        (Tense.Present, false) => agreement == Agreement.ThirdSingular ? ThirdSingular : Base,
        (Tense.Present, true) => (agreement == Agreement.ThirdSingular ? "does not " : "do not ") + Base,
        (Tense.Past, false) => Past,
        (Tense.Past, true) => "did not " + Base,
        (Tense.Future, false) => "will " + Base,
        _ => "will not " + Base,
    };
}

/// <summary>English agreement rules used by the ko→en generator.</summary>
internal static class EnglishGrammar
{
    /// <summary>The copula: am / is / are, was / were, with "not" when negated.</summary>
    public static string Be(Agreement agreement, Tense tense, bool negated)
    {
        string be = tense switch
        {
            Tense.Present
                => agreement switch { Agreement.FirstSingular => "am", Agreement.ThirdSingular => "is", _ => "are" },
            Tense.Past => agreement == Agreement.Other ? "were" : "was",
            _ => throw new ArgumentException("EnglishGrammar.Be: only Present and Past are generated"),
        };
        return negated ? be + " not" : be;
    }

    /// <summary>The indefinite article for a noun phrase: "an" before a vowel letter (all our nouns follow
    /// the letter rule).</summary>
    public static string Article(string noun) => "aeiou".Contains(char.ToLowerInvariant(noun[0])) ? "an" : "a";

    /// <summary>The sentence with its first letter in upper case: "he is a student" → "He is a student".</summary>
    public static string Capitalise(string sentence) => char.ToUpperInvariant(sentence[0]) + sentence[1..];
}
