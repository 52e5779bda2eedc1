using TransformerCourse.Attention;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;

namespace TransformerCourse.Tests.Support;

/// <summary>The tiny GRU encoder–decoders and batch the recurrent-model test files share.</summary>
public static class RecurrentModels
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
}
