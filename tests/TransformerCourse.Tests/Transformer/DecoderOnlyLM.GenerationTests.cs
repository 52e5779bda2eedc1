using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// <see cref="DecoderOnlyLM"/>'s generation: greedy follows the arg max of the (uncached) forward pass; cached and
/// uncached generation give the same tokens, greedy and sampled with one seed; and the arguments are checked.
/// </summary>
public class DecoderOnlyLMGenerationTests
{
    private static DecoderOnlyLM Model(bool normFirst, PositionalEncodingKind kind, int maxLength = 24) =>
        new(20, CachedDecodingTests.Config with { NormFirst = normFirst, Positional = kind, MaxLength = maxLength },
            new Rng(31));

    private static readonly int[][] Prompts = [[3, 7, 1], [12, 5, 5]];

    [Theory]
    [MemberData(nameof(CachedDecodingTests.Variants), MemberType = typeof(CachedDecodingTests))]
    public void GreedyTakesTheArgMaxOfTheForwardPassWithAndWithoutTheCache(bool normFirst, PositionalEncodingKind kind)
    {
        var model = Model(normFirst, kind);
        var cached = model.Greedy(Prompts, 12);
        var uncached = model.Greedy(Prompts, 12, useCache: false);
        Assert.Equal(uncached, cached);
        using var noGrad = Tensor.NoGrad();
        for (int b = 0; b < 2; b++)
        {
            int[] sequence = [.. Prompts[b], .. cached[b]];
            var logits = model.Forward(sequence[..^1], SequenceBatch.Single(sequence.Length - 1)).Data;
            for (int t = 0; t < 12; t++)
                Assert.Equal(logits.Row(Prompts[b].Length - 1 + t).MaximumIndex(), cached[b][t]);
        }
    }

    [Theory]
    [MemberData(nameof(CachedDecodingTests.Variants), MemberType = typeof(CachedDecodingTests))]
    public void SamplingWithOneSeedGivesTheSameTokensWithAndWithoutTheCache(bool normFirst,
        PositionalEncodingKind kind)
    {
        var model = Model(normFirst, kind);
        var cached = model.Sample(Prompts, 15, new Rng(5), temperature: 1.5, topK: 8);
        var uncached = model.Sample(Prompts, 15, new Rng(5), temperature: 1.5, topK: 8, useCache: false);
        Assert.Equal(uncached, cached);
        Assert.NotEqual(cached, model.Sample(Prompts, 15, new Rng(6), temperature: 1.5, topK: 8));
    }

    [Fact]
    public void TopOneSamplingIsGreedyAndATinyTemperatureToo()
    {
        var model = Model(true, PositionalEncodingKind.Rotary);
        var greedy = model.Greedy([4, 2], 10);
        Assert.Equal(greedy, model.Sample([4, 2], 10, new Rng(1), topK: 1));
        Assert.Equal(greedy, model.Sample([4, 2], 10, new Rng(2), temperature: 1e-6));
    }

    /// <summary>With one prompt token and the rest sampled, the first token's frequencies over 4000 seeds follow
    /// softmax(logits/τ) over the top k (each within 0.03 of its probability, about 4 standard errors).</summary>
    [Fact]
    public void SampledTokensFollowTheTemperedTopKDistribution()
    {
        var model = Model(false, PositionalEncodingKind.Sinusoidal);
        double[] logits;
        using (Tensor.NoGrad()) logits = model.Forward([6], SequenceBatch.Single(1)).Data.Row(0).ToArray();
        var top = Enumerable.Range(0, 20).OrderByDescending(v => logits[v]).Take(3).ToArray();
        var e = top.Select(v => Math.Exp((logits[v] - logits[top[0]]) / 0.7)).ToArray();
        var rng = new Rng(9);
        var counts = new int[20];
        const int draws = 4000;
        for (int i = 0; i < draws; i++) counts[model.Sample([6], 1, rng, temperature: 0.7, topK: 3)[0]]++;
        Assert.Equal(draws, top.Sum(v => counts[v]));
        for (int j = 0; j < 3; j++)
            Expect.Close(e[j] / e.Sum(), counts[top[j]] / (double)draws, 0.03, $"frequency of token {top[j]}");
    }

    [Fact]
    public void BadArgumentsAreNamed()
    {
        var model = Model(true, PositionalEncodingKind.Learned, maxLength: 8);
        Expect.ThrowsArgument(() => model.Greedy([[1, 2], [3]], 2), "Greedy", "one length", "[2, 1]");
        Expect.ThrowsArgument(() => model.Greedy([1, 2, 3], 7), "Greedy", "3 tokens and 7 new tokens",
            "0…8", "MaxLength=8");
        Assert.Equal(6, model.Greedy([1, 2, 3], 6).Length);                      // positions 0…7: fits
        Expect.ThrowsArgument(() => model.Sample([1], 2, new Rng(1), temperature: 0), "Sample", "temperature");
        Expect.ThrowsArgument(() => model.Sample([1], 2, new Rng(1), topK: 0), "Sample", "top-k");
        Expect.ThrowsArgument(() => model.Greedy([1], 0), "Greedy", "newTokens");
    }
}
