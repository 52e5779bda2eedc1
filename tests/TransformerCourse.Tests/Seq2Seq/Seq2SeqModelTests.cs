using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>The GRU encoder–decoders as <see cref="Seq2SeqModel"/>s: the loss's gradients pass finite differences (and
/// the models and batch the other Seq2Seq test files share).</summary>
public class Seq2SeqModelTests
{
    internal static readonly Seq2SeqSizes Tiny =
        new(SourceVocab: 9, TargetVocab: 8, Embed: 3, EncoderHidden: 3, DecoderHidden: 4, Attention: 3);

    internal static Seq2SeqBatch Batch()
    {
        var pairs = new List<EncodedPair>
        {
            new([4, 5, 6, 7], [5, 6]),
            new([8, 4], [7, 4, 3]),
        };
        return Seq2SeqBatch.Create(pairs, [0, 1]);
    }

    public static TheoryData<string> Kinds =>
        new() { "none", "bahdanau", "luong-dot", "luong-general", "luong-concat" };

    internal static RecurrentSeq2Seq Make(string kind, Seq2SeqSizes sizes, Rng rng) => kind switch
    {
        "none" => new GruSeq2Seq(sizes, rng),
        "bahdanau" => new BahdanauSeq2Seq(sizes, rng),
        "luong-dot" => new LuongSeq2Seq(sizes with { DecoderHidden = 2 * sizes.EncoderHidden }, LuongScore.Dot, rng),
        "luong-general" => new LuongSeq2Seq(sizes, LuongScore.General, rng),
        _ => new LuongSeq2Seq(sizes, LuongScore.Concat, rng),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GradientsPassFiniteDifferences(string kind)
    {
        var model = Make(kind, Tiny, new Rng(11));
        var batch = Batch();
        var parameters = model.Parameters();
        var result = GradCheck.Check(() => model.Loss(batch, labelSmoothing: 0.1), parameters, maxElementsPerInput: 12);
        Assert.True(result.Passed(Expect.GradTolerance), result.ToString());
    }
}
