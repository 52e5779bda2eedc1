using TransformerCourse.Recipes.KoEn;

namespace TransformerCourse.Tests.Recipes.KoEn;

/// <summary>The word lists: every object and place a verb names exists, and no Korean word has two entries.</summary>
public class KoEnLexiconTests
{
    [Fact]
    public void VerbsNameOnlyListedObjectsAndPlaces()
    {
        foreach (var verb in KoEnLexicon.Transitive.Concat(KoEnLexicon.Intransitive).Concat(KoEnLexicon.Motion))
        {
            foreach (var o in verb.Objects) Assert.Equal(o, KoEnLexicon.Object(o).Korean);
            foreach (var p in verb.Places) Assert.Equal(p, KoEnLexicon.Place(p).Korean);
        }
        Assert.All(KoEnLexicon.Transitive, v => Assert.NotEmpty(v.Objects));
        Assert.All(KoEnLexicon.Motion, v => Assert.NotEmpty(v.Places));
    }

    [Fact]
    public void EntriesAreUniqueAndEverySubjectHasALevel()
    {
        Assert.Equal(KoEnLexicon.Objects.Length, KoEnLexicon.Objects.Select(o => o.Korean).Distinct().Count());
        Assert.Equal(KoEnLexicon.Places.Length, KoEnLexicon.Places.Select(p => p.Korean).Distinct().Count());
        Assert.Equal(KoEnLexicon.Subjects.Length, KoEnLexicon.Subjects.Select(s => s.Korean).Distinct().Count());
        Assert.All(KoEnLexicon.Subjects, s => Assert.NotEmpty(s.Levels));
        Assert.Contains(KoEnLexicon.Subjects, s => s is { Korean: "나", English: "I" });
        Assert.All(KoEnLexicon.Times, t => Assert.NotEmpty(t.Tenses));
    }
}
