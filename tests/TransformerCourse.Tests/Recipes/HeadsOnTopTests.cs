using TransformerCourse.Data;
using TransformerCourse.Recipes.KoEn;
using TransformerCourse.Recipes;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Recipes;

/// <summary>The classifier and the language model on the ko-en corpus, in short runs: both beat their
/// context-free baselines.</summary>
public class HeadsOnTopTests
{
    [Fact]
    public void NegationLabelsComeFromTheEnglishSide()
    {
        Assert.Equal(1, HeadsOnTop.Negated(new TextPair("민수는 공부 안 해요", "Minsu does not study")));
        Assert.Equal(0, HeadsOnTop.Negated(new TextPair("나는 학생입니다", "I am a student")));
        Assert.Equal(0, HeadsOnTop.Negated(new TextPair("x", "I noted it")));
    }

    [Fact]
    public void AShortClassifierRunBeatsTheMajorityClass()
    {
        var (_, _, result) = HeadsOnTop.TrainNegationClassifier(steps: 100);
        // The baseline is scored on test: always answering the class commonest in training, counted here by hand.
        var splits = KoEnDataset.Create();
        var trainNegated = splits.Train.Count(p => HeadsOnTop.Negated(p) == 1);
        var commoner = 2 * trainNegated >= splits.Train.Count ? 1 : 0;
        var expected = splits.Test.Count(p => HeadsOnTop.Negated(p) == commoner) / (double)splits.Test.Count;
        Assert.Equal(expected, result.MajorityBaseline, 12);
        Assert.InRange(result.MajorityBaseline, 0.5, 0.6);
        Assert.True(result.TestAccuracy > result.MajorityBaseline + 0.2,
            $"accuracy {result.TestAccuracy} vs majority {result.MajorityBaseline}");
    }

    [Fact]
    public void AShortLanguageModelRunBeatsUnigrams()
    {
        var (_, _, result) = HeadsOnTop.TrainEnglishLanguageModel(steps: 100);
        Assert.True(result.TestPerplexity < result.UnigramPerplexity / 3,
            $"perplexity {result.TestPerplexity} vs unigram {result.UnigramPerplexity}");
        Assert.Equal(5, result.Samples.Count);
        Assert.All(result.Samples, s => Assert.False(string.IsNullOrWhiteSpace(s)));
    }

    [Fact]
    public void ProgressReadsAsOneLine()
    {
        var p = new TrainingProgress(480, 1252, 2, 0.551, 12605, null);
        Assert.Equal("epoch 2 · step 480/1252 · loss 0.5510 · 12,605 tok/s", p.ToString());
    }
}
