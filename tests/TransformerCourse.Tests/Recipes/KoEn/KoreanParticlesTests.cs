using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>Particles chosen by the batchim, checked by hand against a grammar reference.</summary>
public class KoreanParticlesTests
{
    [Fact]
    public void ParticlesFollowTheBatchim()
    {
        Assert.Equal(["학생은", "나는", "선생님은", "그녀는"], new[] { "학생", "나", "선생님", "그녀" }.Select(KoreanParticles.Topic));
        Assert.Equal(["사과를", "책을", "물을", "커피를"], new[] { "사과", "책", "물", "커피" }.Select(KoreanParticles.Object));
        Assert.Equal(["학생이", "의사가"], new[] { "학생", "의사" }.Select(KoreanParticles.Subject));
        Assert.Equal(["선생님과", "친구와"], new[] { "선생님", "친구" }.Select(KoreanParticles.With));
        Assert.Equal(("학교에", "도서관에서"), (KoreanParticles.To("학교"), KoreanParticles.At("도서관")));
    }
}
