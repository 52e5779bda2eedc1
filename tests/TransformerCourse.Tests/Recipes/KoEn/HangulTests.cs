using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>Hangul syllables: decomposition, composition and the final consonant (batchim),
/// against the Unicode tables.</summary>
public class HangulTests
{
    [Fact]
    public void HangulDecomposesAndComposes()
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
    [InlineData("학생", true)] [InlineData("나", false)] [InlineData("선생님", true)]
        [InlineData("사과", false)] [InlineData("책", true)]
    public void Batchim(string word, bool expected) => Assert.Equal(expected, Hangul.HasBatchim(word));
}
