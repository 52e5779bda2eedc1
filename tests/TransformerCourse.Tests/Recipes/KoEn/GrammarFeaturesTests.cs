using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>The grammar's features: each one changes the Korean form (the generator relies on all of
/// them being distinct).</summary>
public class GrammarFeaturesTests
{
    [Fact]
    public void EveryTensePolitenessAndNegationGivesItsOwnForm()
    {
        var eat = new KoreanVerb("먹다");
        var forms = (from t in Enum.GetValues<Tense>()
                     from p in Enum.GetValues<Politeness>()
                     from n in Enum.GetValues<Negation>()
                     select eat.Conjugate(t, p, n)).ToList();
        Assert.Equal(3 * 3 * 3, forms.Count);
        Assert.Equal(forms.Count, forms.Distinct().Count());
        Assert.Equal([Tense.Present, Tense.Past, Tense.Future], Enum.GetValues<Tense>());
    }
}
