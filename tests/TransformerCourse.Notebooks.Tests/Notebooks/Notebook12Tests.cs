using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 12's headline numbers, as printed by the notebook run with the solutions: the encoder-only negation
/// classifier beats the majority-class baseline by at least 30 points on the test set, and the decoder-only language
/// model's test perplexity is below the unigram model's.
/// </summary>
[Collection("kernel")]
public class Notebook12Tests
{
    private static double Number(Match m, int group) =>
        double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [Fact]
    public async Task ClassifierBeatsTheMajorityClassAndTheLanguageModelBeatsTheUnigram()
    {
        var nb = await ExecutedNotebooks.Get("12-heads-on-top.ipynb", Engine.Runner, solutions: true);

        var cls = Regex.Match(nb.Text,
            @"classifier test accuracy: ([\d.]+)% \(\d+/\d+\); majority-class baseline: ([\d.]+)%");
        Assert.True(cls.Success, "the notebook prints the classifier's test accuracy and the majority-class baseline");
        double accuracy = Number(cls, 1), baseline = Number(cls, 2);
        Assert.True(baseline is > 50 and < 60,
            $"the majority-class baseline {baseline}% is the share of affirmative test sentences");
        Assert.True(accuracy >= baseline + 30,
            $"test accuracy {accuracy}% is not 30 points above the majority baseline {baseline}%");

        var lm = Regex.Match(nb.Text, @"language model test perplexity: ([\d.]+) ");
        var unigram = Regex.Match(nb.Text, @"unigram test perplexity: ([\d.]+)");
        Assert.True(lm.Success && unigram.Success, "the notebook prints both test perplexities");
        Assert.True(Number(lm, 1) < Number(unigram, 1),
            $"language-model perplexity {Number(lm, 1)} is not below the unigram's {Number(unigram, 1)}");
    }
}
