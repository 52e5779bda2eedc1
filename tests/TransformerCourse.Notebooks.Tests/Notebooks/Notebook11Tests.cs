using System.Globalization;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 11's headline numbers, read from what the notebook prints when run with the solutions: the ko→en
/// Transformer it trains translates ≥ 95% of the 500 held-out test sentences exactly, with greedy decoding and with
/// beam search (both as printed); its cross-attention puts the second English word of the long example on the last
/// Korean word (the verb-final reordering the prose describes); and the parts built by hand equal the library's.
/// </summary>
public class Notebook11Tests
{
    // Every printed line of the notebook run with the solutions (the runner's run, shared with the other tests).
    private static async Task<string> PrintedText()
    {
        var nb =
            await Kernel.ExecutedNotebooks.Get("11-training-and-decoding.ipynb", Kernel.Engine.Runner, solutions: true);
        Assert.True(nb.RunResult is { Succeeded: true }, nb.RunResult?.FailureMessage);
        return nb.Text;
    }

    private static double Number(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public async Task GreedyAndBeamTranslate95PercentOfTheTestSentences()
    {
        var text = await PrintedText();
        var greedy = Regex.Match(text, @"greedy: test exact match ([\d.]+)% of 500 held-out sentences");
        Assert.True(greedy.Success, "the notebook prints the greedy test exact match");
        Assert.True(Number(greedy.Groups[1].Value) >= 95.0, $"greedy test exact match {greedy.Groups[1].Value}% < 95%");
        var beam = Regex.Match(text, @"beam 4, length-normalised \(α = 1\): test exact match ([\d.]+)%");
        Assert.True(beam.Success, "the notebook prints the beam-search test exact match");
        Assert.True(Number(beam.Groups[1].Value) >= 95.0,
            $"beam-search test exact match {beam.Groups[1].Value}% < 95%");
        Assert.Contains("\"나는 학생입니다\" → \"I am a student\"", text);
    }

    [Fact]
    public async Task TheVerbIsReadFromTheEndOfTheKoreanSentence()
    {
        var text = await PrintedText();
        Assert.Matches(@"그들은 어제 카페에서 빵을 먹었어요 → They ate bread at the cafe yesterday", text);
        Assert.Matches(@"ate\s+reads most from 먹었어요 \(Korean word 5 of 5", text);
        Assert.Matches(@"yesterday\s+reads most from 어제 \(Korean word 2 of 5", text);
    }

    [Fact]
    public async Task WhatIsBuiltByHandEqualsTheLibrary()
    {
        var text = await PrintedText();
        Assert.Contains("entries where the library's padding differs from the padding by hand: 0 of 18", text);
        Assert.Equal(3, Regex.Matches(text, @"mask +\d+×\d+, max \|difference\| 0\b").Count);
        foreach (var pattern in new[] { @"loss by hand [\d.]+, library [\d.]+, max \|difference\| ([\d.E+-]+)",
                     @"gradient 3×6 \(positions × classes\), max \|difference\| ([\d.E+-]+)",
                     @"max \|difference\| by hand vs library ([\d.E+-]+)", @"\|difference\| of log p ([\d.E+-]+)" })
        {
            var m = Regex.Match(text, pattern);
            Assert.True(m.Success, $"the notebook prints /{pattern}/");
            Assert.True(Number(m.Groups[1].Value) < 1e-12, $"{m.Value}: not equal");
        }
    }
}
