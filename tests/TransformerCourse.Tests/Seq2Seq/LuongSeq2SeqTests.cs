using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>The GRU encoder–decoder with Luong attention: the dot score needs the decoder state as
/// wide as the encoder's.</summary>
public class LuongSeq2SeqTests
{
    private static readonly Seq2SeqSizes Tiny =
        new(SourceVocab: 9, TargetVocab: 8, Embed: 3, EncoderHidden: 3, DecoderHidden: 4, Attention: 3);

    [Fact]
    public void DotScoreNeedsMatchingSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LuongSeq2Seq(Tiny, LuongScore.Dot, new Rng(1)));
        Assert.Contains("dot", ex.Message);
    }
}
