namespace TransformerCourse.Pretrained.Tests;

/// <summary>The package's embedded files.</summary>
public class MiniLmResourcesTests
{
    [Fact]
    public void TheVocabularyIsBertUncasedsWithItsSpecialTokens()
    {
        var vocab = MiniLmResources.Vocabulary();
        Assert.Equal(30_522, vocab.Count);
        Assert.Equal(("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"), (vocab[0], vocab[100], vocab[101], vocab[102],
            vocab[103]));
        Assert.Equal("the", vocab[1996]);
    }

    [Fact]
    public void TheModelIsTheNinetyMegabyteOnnxFile()
    {
        var bytes = MiniLmResources.ModelBytes();
        Assert.InRange(bytes.Length, 90_000_000, 91_500_000);                  // 90.9 MB of float32 weights
        Assert.Equal(0x08, bytes[0]);                                           // protobuf field 1 (ir_version)
    }
}
