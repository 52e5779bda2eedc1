using System.Text.Json;
using Microsoft.ML.Tokenizers;
using TransformerCourse.Text;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>
/// The course's WordPiece with MiniLM's vocab.txt against two independent implementations: Hugging Face's own
/// tokenizers library (Rust, through Tokenizers.DotNet; BERT uncased as all-MiniLM-L6-v2's tokenizer.json sets it
/// up) on every text, and Microsoft.ML.Tokenizers' BertTokenizer where that follows BERT's rules.
/// </summary>
/// <remarks>Microsoft.ML.Tokenizers 3.0.0 departs from BERT in three ways (its source: the pre-tokenizer is
/// <c>\w+|[\p{P}]</c>, and the normalizer deletes control characters and re-composes with NFC): it drops symbols
/// (<c>$ = + © 😀</c>), it glues words separated by tab or newline, and it keeps Hangul syllables whole, where BERT
/// decomposes them into jamo. The model was trained with BERT's rules, so the course follows those;
/// <see cref="WhereMicrosoftMLTokenizersDepartsFromBert"/> pins each difference.</remarks>
public class WordPieceReferenceTests
{
    private static readonly Lazy<BertTokenizer> LazyMicrosoft = new(() =>
    {
        using var vocab = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(
            string.Join("\n", MiniLmResources.Vocabulary()) + "\n"));
        return BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true });
    });

    private static readonly Lazy<Tokenizers.DotNet.Tokenizer> LazyHuggingFace = new(() =>
    {
        string path = WriteTokenizerJson();
        try
        {
            return new Tokenizers.DotNet.Tokenizer(path);
        }
        finally
        {
            File.Delete(path);
        }
    });

    /// <summary>Texts on which both references follow BERT's rules.</summary>
    public static readonly TheoryData<string> Texts = new()
    {
        "The animal didn't cross the street because it was too tired.",
        "unaffable transformers",
        "Héllo, WÖRLD! Naïve café résumé.",
        "日本語のテキストと中文文本",
        "spaces    and  more   spaces",
        "supercalifragilisticexpialidocious antidisestablishmentarianism",
        new string('a', 150) + " short",
        "A man is playing a guitar; (quietly) — “really”?!",
        "",
    };

    /// <summary>Texts with symbols, tabs and newlines, Hangul, emoji, code.</summary>
    public static readonly TheoryData<string> BertOnlyTexts = new()
    {
        "$100.50 at 9:30pm, e-mail: x@y.com",
        "Emoji 😀 and symbols © ™ ½ — “quotes”",
        "for (int i = 0; i < n; i++) { sum += a[i]; }",
        "spaces    and\ttabs\r\nnewlines",
        "나는 학생입니다",
        "저는 어제 친구와 함께 맛있는 저녁을 먹었어요.",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    [MemberData(nameof(BertOnlyTexts))]
    public void IdsEqualHuggingFaceTokenizers(string text)
    {
        var expected = LazyHuggingFace.Value.Encode(text).Select(id => (int)id).ToArray();
        Assert.Equal(expected, MiniLmFixture.Tokenizer.Encode(text));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void IdsEqualMicrosoftMLTokenizersBert(string text)
    {
        var expected = LazyMicrosoft.Value.EncodeToIds(text);
        Assert.Equal(expected, MiniLmFixture.Tokenizer.Encode(text));
    }

    [Theory]
    [InlineData("x = 1 $", "x 1", "x = 1 $")]                         // symbols: dropped vs kept
    [InlineData("tab\tnew\nline", "tab ##ne ##wl ##ine", "tab new line")]  // tab, newline: deleted vs a space
    [InlineData("한", "[UNK]", "ᄒ ##ᅡ ##ᆫ")]                          // Hangul: whole vs jamo
    public void WhereMicrosoftMLTokenizersDepartsFromBert(string text, string microsoft, string bert)
    {
        var t = MiniLmFixture.Tokenizer;
        string Joined(IEnumerable<int> ids) => string.Join(" ", ids.Select(t.Token));
        var theirs = LazyMicrosoft.Value.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true,
            considerNormalization: true);
        Assert.Equal(microsoft, Joined(theirs));
        Assert.Equal(bert, Joined(t.Encode(text, addSpecialTokens: false)));
        Assert.Equal(bert, Joined(LazyHuggingFace.Value.Encode(text).Select(id => (int)id).Skip(1).SkipLast(1)));
    }

    [Fact]
    public void SpecialTokensAreBertsIds()
    {
        var t = MiniLmFixture.Tokenizer;
        Assert.Equal((0, 100, 101, 102), (t.Pad, t.Unknown, t.Cls, t.Sep));   // [PAD] [UNK] [CLS] [SEP] in vocab.txt
        Assert.Equal(["the", "animal", "didn", "'", "t"], t.Tokenize("The animal didn't"));
        Assert.Equal([101, 100, 102], t.Encode(new string('a', 101)));       // longer than 100 characters: [UNK]
    }

    /// <summary>all-MiniLM-L6-v2's tokenizer.json (BERT normalizer and pre-tokenizer, WordPiece, [CLS] … [SEP]) with
    /// the package's vocabulary, written to a temporary file.</summary>
    private static string WriteTokenizerJson()
    {
        var vocab = MiniLmResources.Vocabulary();
        var ids = vocab.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        object Special(string token) => new Dictionary<string, object>
        {
            ["id"] = ids[token], ["content"] = token, ["single_word"] = false, ["lstrip"] = false,
            ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        };
        object Token(string kind, string id) =>
            new Dictionary<string, object> { [kind] = new Dictionary<string, object> { ["id"] = id, ["type_id"] = 0 } };
        var json = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Select(Special).ToArray(),
            ["normalizer"] = new Dictionary<string, object?>
            {
                ["type"] = "BertNormalizer", ["clean_text"] = true, ["handle_chinese_chars"] = true,
                ["strip_accents"] = null, ["lowercase"] = true,
            },
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new Dictionary<string, object>
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new[] { Token("SpecialToken", "[CLS]"), Token("Sequence", "A"),
                    Token("SpecialToken", "[SEP]") },
                ["pair"] = new[] { Token("SpecialToken", "[CLS]"), Token("Sequence", "A"),
                    Token("SpecialToken", "[SEP]"), Token("Sequence", "B"), Token("SpecialToken", "[SEP]") },
                ["special_tokens"] = new[] { "[CLS]", "[SEP]" }.ToDictionary(t => t, t =>
                    new Dictionary<string, object> { ["id"] = t, ["ids"] = new[] { ids[t] },
                        ["tokens"] = new[] { t } }),
            },
            ["decoder"] =
                new Dictionary<string, object> { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new Dictionary<string, object>
            {
                ["type"] = "WordPiece", ["unk_token"] = "[UNK]", ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100, ["vocab"] = ids,
            },
        };
        string path = Path.Combine(Path.GetTempPath(), $"minilm-tokenizer-{Environment.ProcessId}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(json));
        return path;
    }
}
