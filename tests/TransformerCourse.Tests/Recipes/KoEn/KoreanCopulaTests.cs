using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>The copula 이다 / 아니다, checked by hand against a grammar reference.</summary>
public class KoreanCopulaTests
{
    [Theory]
    [InlineData("학생", Tense.Present, Politeness.Formal, false, "학생입니다")]
    [InlineData("학생", Tense.Present, Politeness.Polite, false, "학생이에요")]
    [InlineData("의사", Tense.Present, Politeness.Polite, false, "의사예요")]
    [InlineData("학생", Tense.Present, Politeness.Plain, false, "학생이야")]
    [InlineData("의사", Tense.Present, Politeness.Plain, false, "의사야")]
    [InlineData("학생", Tense.Past, Politeness.Formal, false, "학생이었습니다")]
    [InlineData("의사", Tense.Past, Politeness.Formal, false, "의사였습니다")]
    [InlineData("학생", Tense.Present, Politeness.Formal, true, "학생이 아닙니다")]
    [InlineData("의사", Tense.Present, Politeness.Polite, true, "의사가 아니에요")]
    [InlineData("배우", Tense.Past, Politeness.Plain, true, "배우가 아니었어")]
    public void CopulaHandChecked(string noun, Tense tense, Politeness politeness, bool negated, string expected) =>
        Assert.Equal(expected, KoreanCopula.Predicate(noun, tense, politeness, negated));
}
