using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>Korean forms checked by hand against a grammar reference (the expected strings are typed, not generated).</summary>
public class KoreanGrammarTests
{
    [Fact]
    public void Hangul_DecomposesAndComposes()
    {
        Assert.Equal((18, 0, 1), Hangul.Decompose('학'));     // ㅎ ㅏ ㄱ, U+D559
        Assert.Equal('학', Hangul.Compose(18, 0, 1));
        Assert.Equal((0, 0, 0), Hangul.Decompose('가'));
        Assert.Equal('힣', Hangul.Compose(18, 20, 27));
        Assert.Equal('갑', Hangul.WithFinal('가', Hangul.FinalBieup));
        Assert.Equal('봐', Hangul.WithMedial('보', Hangul.Vowel.Wa));
        Assert.Throws<ArgumentException>(() => Hangul.Decompose('a'));
    }

    [Theory]
    [InlineData("학생", true)] [InlineData("나", false)] [InlineData("선생님", true)] [InlineData("사과", false)] [InlineData("책", true)]
    public void Batchim(string word, bool expected) => Assert.Equal(expected, Hangul.HasBatchim(word));

    [Fact]
    public void Particles_FollowTheBatchim()
    {
        Assert.Equal(["학생은", "나는", "선생님은", "그녀는"], new[] { "학생", "나", "선생님", "그녀" }.Select(KoreanParticles.Topic));
        Assert.Equal(["사과를", "책을", "물을", "커피를"], new[] { "사과", "책", "물", "커피" }.Select(KoreanParticles.Object));
        Assert.Equal(["학생이", "의사가"], new[] { "학생", "의사" }.Select(KoreanParticles.Subject));
        Assert.Equal(["선생님과", "친구와"], new[] { "선생님", "친구" }.Select(KoreanParticles.With));
        Assert.Equal(("학교에", "도서관에서"), (KoreanParticles.To("학교"), KoreanParticles.At("도서관")));
    }

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
    public void Conjugation_HandChecked(string verb, Tense tense, Politeness politeness, Negation negation, string expected) =>
        Assert.Equal(expected, new KoreanVerb(verb).Conjugate(tense, politeness, negation));

    [Fact]
    public void Conjugation_IrregularAndNounHada()
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
    public void Copula_HandChecked(string noun, Tense tense, Politeness politeness, bool negated, string expected) =>
        Assert.Equal(expected, KoreanCopula.Predicate(noun, tense, politeness, negated));

    [Fact]
    public void English_AgreesWithItsSubject()
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
            EnglishGrammar.Be(Agreement.FirstSingular, Tense.Present, false), EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Present, false),
            EnglishGrammar.Be(Agreement.Other, Tense.Present, false), EnglishGrammar.Be(Agreement.FirstSingular, Tense.Past, false),
            EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Past, false), EnglishGrammar.Be(Agreement.Other, Tense.Past, false),
            EnglishGrammar.Be(Agreement.ThirdSingular, Tense.Present, true),
        ]);
        Assert.Equal(("a", "an", "an"), (EnglishGrammar.Article("student"), EnglishGrammar.Article("actor"), EnglishGrammar.Article("office worker")));
    }
}
