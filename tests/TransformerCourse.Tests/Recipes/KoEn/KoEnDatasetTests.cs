using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Recipes.KoEn;

public class KoEnDatasetTests
{
    private static readonly DatasetSplits Corpus = KoEnDataset.Create();

    private static IEnumerable<TextPair> All => Corpus.Train.Concat(Corpus.Valid).Concat(Corpus.Test);

    [Fact]
    public void SeedPairIsTheFirstTestLineAndFollowsTheGrammar()
    {
        Assert.Equal(new TextPair("나는 학생입니다", "I am a student"), Corpus.Test[0]);
        Assert.Equal("나는 학생입니다",
            KoreanParticles.Topic("나") + " " + KoreanCopula.Predicate("학생", Tense.Present, Politeness.Formal, false));
        Assert.DoesNotContain(Corpus.Train, p => p.Source == "나는 학생입니다");
    }

    [Theory]
    // Pairs of the committed corpus, read and checked by hand (particles, conjugation, word order, English agreement).
    [InlineData("train", "내 친구는 공원에서 음악을 듣습니다", "My friend listens to music in the park")]
    [InlineData("train", "학생은 어제 케이크를 만들지 않았어", "The student did not make a cake yesterday")]
    [InlineData("train", "민수는 오늘 시장에서 일 안 합니다", "Minsu does not work at the market today")]
    [InlineData("train", "그들은 학생이 아닙니다", "They are not students")]
    [InlineData("train", "그는 간호사예요", "He is a nurse")]
    [InlineData("train", "저는 어제 차를 마셨습니다", "I drank tea yesterday")]
    [InlineData("test", "민수는 물을 마시지 않았어", "Minsu did not drink water")]
    [InlineData("test", "우리는 학교에 갔어요", "We went to school")]
    [InlineData("test", "저는 오늘 카페에서 안 기다릴 거예요", "I will not wait at the cafe today")]
    public void HandCheckedPairsAreInTheirSplit(string split, string korean, string english) =>
        Assert.Contains(new TextPair(korean, english), split == "train" ? Corpus.Train : Corpus.Test);

    [Fact]
    public void SplitsHaveTheDocumentedSizesAndShareNoKoreanSentence()
    {
        Assert.Equal((4000, 500, 500), (Corpus.Train.Count, Corpus.Valid.Count, Corpus.Test.Count));
        Assert.Equal(5000, All.Select(p => p.Source).Distinct().Count());
    }

    [Fact]
    public void EveryKoreanSentenceHasOneTranslation() =>
        Assert.All(All.GroupBy(p => p.Source), g => Assert.Single(g.Select(p => p.Target).Distinct()));

    [Fact]
    public void SentencesAreShortWordTokenisableAndTheVocabularyIsSmall()
    {
        var tok = WordTokenizer.Instance;
        Assert.All(All, p => Assert.InRange(tok.Tokenize(p.Source).Count, 2, KoEnDataset.MaxKoreanWords));
        Assert.All(All, p => Assert.InRange(tok.Tokenize(p.Target).Count, 2, KoEnDataset.MaxEnglishWords));
        Assert.All(All, p => Assert.Equal(p.Source, tok.Detokenize(tok.Tokenize(p.Source))));
        Assert.All(All, p => Assert.Equal(p.Target, tok.Detokenize(tok.Tokenize(p.Target))));
        var encoder = PairEncoder.Build(Corpus.Train, tok, tok);
        Assert.InRange(encoder.SourceVocabulary.Count, 100, 400);
        Assert.InRange(encoder.TargetVocabulary.Count, 50, 200);
    }

    [Fact]
    public void HeldOutSentencesUseOnlyTrainingWords()
    {
        var encoder = PairEncoder.Build(Corpus.Train, WordTokenizer.Instance, WordTokenizer.Instance);
        foreach (var pair in Corpus.Valid.Concat(Corpus.Test))
        {
            var ids = encoder.Encode(pair);
            Assert.DoesNotContain(Vocabulary.Unk, ids.Source);
            Assert.DoesNotContain(Vocabulary.Unk, ids.Target);
        }
    }

    [Fact]
    public void TheCorpusMixesSpeechLevelsTensesAndNegations()
    {
        var train = Corpus.Train;
        double Share(Func<TextPair, bool> f) => train.Count(f) / (double)train.Count;
        Assert.InRange(Share(p => p.Source.EndsWith("니다")), 0.25, 0.45);                       // 합니다체
        Assert.InRange(Share(p => p.Source.EndsWith('요')), 0.25, 0.45);                          // 해요체
        Assert.InRange(Share(p => p.Target.Contains(" not ")), 0.3, 0.6);                         // negation
        Assert.InRange(Share(p => p.Target.Contains(" will ")), 0.15, 0.35);                      // future
        Assert.InRange(Share(p => p.Source.Contains(" 안 ") || p.Source.StartsWith("안 ")), 0.05, 0.3);  // short negation
        Assert.InRange(Share(p => p.Source.Contains("지 않")), 0.05, 0.3);                        // long negation
    }

    [Fact]
    public void GenerationIsDeterministic()
    {
        Assert.Equal(Corpus, KoEnDataset.Create(), new SplitsComparer());
        var a = KoEnDataset.Generate(5, 300);
        Assert.Equal(a, KoEnDataset.Generate(5, 300));
        Assert.NotEqual(a, KoEnDataset.Generate(6, 300));
        Assert.Equal(300, a.Select(p => p.Source).Distinct().Count());
    }
}
