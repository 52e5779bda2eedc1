using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>A pair of id sequences, as the pair encoder makes them (no &lt;bos&gt; or &lt;eos&gt; yet).</summary>
public class EncodedPairTests
{
    [Fact]
    public void HoldsTheIdsAsEncodedWithoutSpecials()
    {
        var encoder = PairEncoder.Build([new TextPair("ab", "ba")], CharTokenizer.Instance, CharTokenizer.Instance);
        var (source, target) = encoder.Encode(new TextPair("ab", "b"));
        int a = encoder.SourceVocabulary.Encode(["a"])[0], b = encoder.SourceVocabulary.Encode(["b"])[0];
        Assert.Equal([a, b], source);
        Assert.Equal([encoder.TargetVocabulary.Encode(["b"])[0]], target);
        Assert.DoesNotContain(Vocabulary.Bos, source);
        Assert.DoesNotContain(Vocabulary.Eos, source);
        // A record of arrays: equality compares the arrays' references, not their contents.
        Assert.NotEqual(new EncodedPair([4], [5]), new EncodedPair([4], [5]));
    }
}
