using TransformerCourse.Data;

namespace TransformerCourse.Tests.Data;

/// <summary>Both sides' tokenisers and vocabularies, built from the training pairs.</summary>
public class PairEncoderTests
{
    private static readonly TextPair[] Train = [new("21 mar", "03-21"), new("1 may", "05-01")];

    [Fact]
    public void EncodeThenDecodeGivesTheTextBackAndUnknownsBecomeUnk()
    {
        var encoder = PairEncoder.Build(Train, CharTokenizer.Instance, CharTokenizer.Instance);
        // 4 specials + the characters seen: source "21 mar1y" → 2, 1, space, m, a, r, y; target 0, 3, -, 2, 1, 5.
        Assert.Equal(4 + 7, encoder.SourceVocabulary.Count);
        Assert.Equal(4 + 6, encoder.TargetVocabulary.Count);
        var encoded = encoder.Encode(new TextPair("12 may", "05-12"));
        Assert.Equal("12 may", encoder.DecodeSource(encoded.Source));
        Assert.Equal("05-12", encoder.DecodeTarget(encoded.Target));
        var unknown = encoder.Encode(new TextPair("9 jun", "06-09"));
        Assert.Equal(Vocabulary.Unk, unknown.Source[0]);           // '9' never occurs in training
        Assert.Equal(2, encoder.EncodeAll(Train).Count);
    }

    [Fact]
    public void WordTokenizersMakeWordVocabularies()
    {
        var encoder = PairEncoder.Build([new("나는 학생입니다", "I am a student")], WordTokenizer.Instance,
            WordTokenizer.Instance);
        Assert.Equal(4 + 2, encoder.SourceVocabulary.Count);
        Assert.Equal(4 + 4, encoder.TargetVocabulary.Count);
        Assert.Equal(2, encoder.Encode(new TextPair("나는 학생입니다", "I am a student")).Source.Length);
    }
}
