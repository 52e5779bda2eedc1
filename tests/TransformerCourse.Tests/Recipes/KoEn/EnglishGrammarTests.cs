using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>English agreement, articles and capitals.</summary>
public class EnglishGrammarTests
{
    [Fact]
    public void EnglishAgreesWithItsSubject()
    {
        var go = new EnglishVerb("go", "goes", "went");
        Assert.Equal("goes", go.Conjugate(Agreement.ThirdSingular, Tense.Present, false));
        Assert.Equal("go", go.Conjugate(Agreement.FirstSingular, Tense.Present, false));
        Assert.Equal("does not go", go.Conjugate(Agreement.ThirdSingular, Tense.Present, true));
        Assert.Equal("do not go", go.Conjugate(Agreement.Other, Tense.Present, true));
        Assert.Equal("went", go.Conjugate(Agreement.Other, Tense.Past, false));
        Assert.Equal("did not go", go.Conjugate(Agreement.ThirdSingular, Tense.Past, true));
        Assert.Equal("will go", go.Conjugate(Agreement.FirstSingular, Tense.Future, false));
        Assert.Equal("will not go", go.Conjugate(Agreement.ThirdSingular, Tense.Future, true));
        Assert.Equal(["am", "is", "are", "was", "was", "were", "is not"],
        [
            EnglishGrammar.Be(Agreement.FirstSingular, Tense.Present, false),
            EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Present, false),
            EnglishGrammar.Be(Agreement.Other, Tense.Present, false),
            EnglishGrammar.Be(Agreement.FirstSingular, Tense.Past, false),
            EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Past, false),
            EnglishGrammar.Be(Agreement.Other, Tense.Past, false),
            EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Present, true),
        ]);
        Assert.Equal(("a", "an", "an"),
            (EnglishGrammar.Article("student"), EnglishGrammar.Article("actor"),
            EnglishGrammar.Article("office worker")));
    }
}
