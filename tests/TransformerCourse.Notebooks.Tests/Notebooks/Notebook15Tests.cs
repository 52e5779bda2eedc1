using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 15's claims, as printed by the notebook run with the solutions: the learner's cached step, the library's
/// KV cache (one sentence and a padded batch), the online softmax on one row and tiled attention all equal their
/// uncached or plain counterparts to ≤ 1e-12; cached greedy generation writes the same tokens as uncached and is the
/// faster of the two at the largest T; the measured cache sizes for g = 8, 2, 1 equal the formula
/// 2·L·T·g·d_k·8 bytes and shrink to g/h.
/// </summary>
[Collection("kernel")]
public class Notebook15Tests
{
    private static double Parse(string s) => double.Parse(s.Replace(",", ""), CultureInfo.InvariantCulture);

    [Fact]
    public async Task CachedTiledAndPlainAttentionAgreeAndTheCacheIsFasterAndSizedByTheFormula()
    {
        var nb = await ExecutedNotebooks.Get("15-fast-inference.ipynb", Engine.Runner, solutions: true);
        string text = nb.Text;

        foreach (var pattern in new[] {
            @"max \|your cached logits − uncached logits\| = (\S+)",
            @"library cache, one sentence: max \|cached − uncached logits\| = (\S+)",
            @"library cache, 8 sentences in one batch: max \|cached − uncached logits\| = (\S+)",
            @"softmax\(s\)ᵀV = \[[^\]]*\]; max \|difference\| (\S+)",
            @"max \|tiled − plain\| = (\S+)" })
        {
            var match = Regex.Match(text, pattern);
            Assert.True(match.Success, $"the notebook prints /{pattern}/");
            double gap = Parse(match.Groups[1].Value);
            Assert.True(gap <= 1e-12, $"/{pattern}/ printed {gap}, above 1e-12");
        }

        var rates = Regex.Matches(text,
            @"T = +(\d+): uncached +([\d.]+) tokens/s, cached +([\d.]+) tokens/s; same tokens: (\w+)");
        Assert.Equal(5, rates.Count);
        Assert.All(rates, r => Assert.Equal("True", r.Groups[4].Value));
        var last = rates[^1];
        Assert.Equal("256", last.Groups[1].Value);
        Assert.True(Parse(last.Groups[3].Value) > Parse(last.Groups[2].Value),
            $"at T = 256 cached {last.Groups[3].Value} tokens/s is not above uncached {last.Groups[2].Value}");

        var sizes = Regex.Matches(text, @"  (\d) \| +\d+ \| +[\d,]+ \| +[\d,]+ \| +([\d,]+) B, +([\d,]+) B");
        Assert.Equal(3, sizes.Count);
        foreach (Match size in sizes)
        {
            int g = int.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture);
            double expected = 2.0 * 2 * 256 * g * 8 * 8;        // 2 (K, V) · L · T · g · d_k · 8 bytes, by hand
            Assert.Equal(expected, Parse(size.Groups[2].Value));
            Assert.Equal(expected, Parse(size.Groups[3].Value));
        }
    }
}
