using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>Verb forms checked by hand against a grammar reference (the expected strings are
/// typed, not generated).</summary>
public class KoreanVerbTests
{
    [Theory]
    // regular consonant stem
    [InlineData("먹다", Tense.Present, Politeness.Formal, Negation.None, "먹습니다")]
    [InlineData("먹다", Tense.Present, Politeness.Polite, Negation.None, "먹어요")]
    [InlineData("먹다", Tense.Present, Politeness.Plain, Negation.None, "먹어")]
    [InlineData("먹다", Tense.Past, Politeness.Formal, Negation.None, "먹었습니다")]
    [InlineData("먹다", Tense.Future, Politeness.Formal, Negation.None, "먹을 것입니다")]
    [InlineData("먹다", Tense.Past, Politeness.Polite, Negation.Short, "안 먹었어요")]
    [InlineData("먹다", Tense.Present, Politeness.Formal, Negation.Long, "먹지 않습니다")]
    [InlineData("먹다", Tense.Future, Politeness.Plain, Negation.Long, "먹지 않을 거야")]
    [InlineData("읽다", Tense.Past, Politeness.Formal, Negation.None, "읽었습니다")]
    // vowel stems and their contractions
    [InlineData("가다", Tense.Present, Politeness.Formal, Negation.None, "갑니다")]
    [InlineData("가다", Tense.Present, Politeness.Polite, Negation.None, "가요")]
    [InlineData("가다", Tense.Past, Politeness.Formal, Negation.None, "갔습니다")]
    [InlineData("가다", Tense.Future, Politeness.Polite, Negation.None, "갈 거예요")]
    [InlineData("가다", Tense.Past, Politeness.Formal, Negation.Long, "가지 않았습니다")]
    [InlineData("보다", Tense.Present, Politeness.Polite, Negation.None, "봐요")]
    [InlineData("오다", Tense.Past, Politeness.Formal, Negation.None, "왔습니다")]
    [InlineData("오다", Tense.Future, Politeness.Plain, Negation.None, "올 거야")]
    [InlineData("마시다", Tense.Present, Politeness.Polite, Negation.None, "마셔요")]
    [InlineData("마시다", Tense.Past, Politeness.Formal, Negation.None, "마셨습니다")]
    [InlineData("기다리다", Tense.Past, Politeness.Polite, Negation.None, "기다렸어요")]
    [InlineData("배우다", Tense.Present, Politeness.Polite, Negation.None, "배워요")]
    [InlineData("배우다", Tense.Past, Politeness.Plain, Negation.None, "배웠어")]
    [InlineData("쓰다", Tense.Present, Politeness.Formal, Negation.None, "씁니다")]
    [InlineData("쓰다", Tense.Present, Politeness.Polite, Negation.None, "써요")]
    [InlineData("쓰다", Tense.Future, Politeness.Formal, Negation.None, "쓸 것입니다")]
    // ㄹ stems
    [InlineData("만들다", Tense.Present, Politeness.Formal, Negation.None, "만듭니다")]
    [InlineData("만들다", Tense.Present, Politeness.Polite, Negation.None, "만들어요")]
    [InlineData("만들다", Tense.Future, Politeness.Formal, Negation.None, "만들 것입니다")]
    [InlineData("놀다", Tense.Present, Politeness.Formal, Negation.None, "놉니다")]
    [InlineData("놀다", Tense.Past, Politeness.Plain, Negation.None, "놀았어")]
    // 하다 verbs
    [InlineData("좋아하다", Tense.Present, Politeness.Polite, Negation.Short, "안 좋아해요")]
    [InlineData("좋아하다", Tense.Past, Politeness.Formal, Negation.None, "좋아했습니다")]
    public void ConjugationHandChecked(string verb, Tense tense, Politeness politeness,
        Negation negation, string expected) =>
        Assert.Equal(expected, new KoreanVerb(verb).Conjugate(tense, politeness, negation));

    [Fact]
    public void ConjugationIrregularAndNounHada()
    {
        var listen = new KoreanVerb("듣다", digeutIrregular: true);
        Assert.Equal("듣습니다", listen.Conjugate(Tense.Present, Politeness.Formal, Negation.None));
        Assert.Equal("들어요", listen.Conjugate(Tense.Present, Politeness.Polite, Negation.None));
        Assert.Equal("들었습니다", listen.Conjugate(Tense.Past, Politeness.Formal, Negation.None));
        Assert.Equal("들을 거예요", listen.Conjugate(Tense.Future, Politeness.Polite, Negation.None));
        Assert.Equal("듣지 않아요", listen.Conjugate(Tense.Present, Politeness.Polite, Negation.Long));
        var study = new KoreanVerb("공부하다", nounHada: true);
        Assert.Equal("공부합니다", study.Conjugate(Tense.Present, Politeness.Formal, Negation.None));
        Assert.Equal("공부해", study.Conjugate(Tense.Present, Politeness.Plain, Negation.None));
        Assert.Equal("공부 안 합니다", study.Conjugate(Tense.Present, Politeness.Formal, Negation.Short));
        Assert.Equal("공부하지 않았어요", study.Conjugate(Tense.Past, Politeness.Polite, Negation.Long));
        Assert.Equal("공부할 것입니다", study.Conjugate(Tense.Future, Politeness.Formal, Negation.None));
        Assert.Throws<ArgumentException>(() => new KoreanVerb("먹어"));
    }
}
