using TransformerCourse.Notebooks.Tests.Kernel;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>
/// Notebook 13's claims, read from the notebook run with the solutions, in the runner and in the real kernel: the
/// notebook's GPT-2 encoder gives exactly Microsoft.ML.Tokenizers' ids (and the library's) on all its texts, WordPiece
/// exactly Microsoft.ML.Tokenizers' BertTokenizer ids where that follows BERT, and the three departures are printed
/// as they are. The ids of "The animal …" are checked against the published GPT-2 and bert-base-uncased
/// vocabularies (as Hugging Face's tokenizers give them), not against our own output.
/// </summary>
[Collection("kernel")]
public class Notebook13Tests
{
    private const string Name = "13-tokenization.ipynb";

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public async Task BothTokenizersGiveTheReferenceIds(Engine engine)
    {
        if (engine == Engine.Kernel) Assert.Null(KernelSetup.Missing());
        var nb = await ExecutedNotebooks.Get(Name, engine, solutions: true);
        var text = nb.Text;

        Assert.Contains("GPT-2: identical ids to Microsoft.ML.Tokenizers on 8/8 texts, to the library's ByteLevelBpe " +
                        "on 8/8; decoded back exactly: 8/8", text);
        Assert.Contains("WordPiece: identical ids to Microsoft.ML.Tokenizers' BertTokenizer on 8/8 texts", text);
        // GPT-2: "The", " animal", " didn", "'t", " cross", " the", " street", " because", " it", " was", " too",
        // " tired", "."
        Assert.Contains("ids [464, 5044, 1422, 470, 3272, 262, 4675, 780, 340, 373, 1165, 10032, 13]", text);
        // bert-base-uncased (MiniLM's vocab.txt): [CLS] the animal didn ' t cross the street because it was too
        // tired . [SEP]
        Assert.Contains("ids [101, 1996, 4111, 2134, 1005, 1056, 2892, 1996, 2395, 2138, 2009, 2001, 2205, 5458, " +
                        "1012, 102]", text);
        Assert.Contains("rank of \"Ġthe\" (\" the\"): 262", text);
    }

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public async Task TheDeparturesFromBERTArePrintedWithHangulDecomposed(Engine engine)
    {
        if (engine == Engine.Kernel) Assert.Null(KernelSetup.Missing());
        var nb = await ExecutedNotebooks.Get(Name, engine, solutions: true);
        var lines = nb.Text.Split('\n')
            .Select(l => string.Join(" ", l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToList();

        // BERT's side needs the runtime's Unicode tables: Hangul decomposed by NFD (invariant globalization cannot).
        Assert.Contains("\"x = 1 $\" Microsoft.ML.Tokenizers: x 1 BERT (the library): x = 1 $", lines);
        Assert.Contains("\"tab\\tnew\\nline\" Microsoft.ML.Tokenizers: tab ##ne ##wl ##ine " +
                        "BERT (the library): tab new line", lines);
        Assert.Contains("\"한\" Microsoft.ML.Tokenizers: [UNK] BERT (the library): ᄒ ##ᅡ ##ᆫ", lines);
    }

    [Fact]
    public async Task KoreanCostsMoreGpt2TokensThanItsEnglishTranslation()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);

        // A Hangul syllable is 3 UTF-8 bytes: the Korean side averages well over 2 bytes per character, English 1.
        Assert.InRange(nb.Number(@"Korean : ([\d.]+) UTF-8 bytes"), 2.0, 3.0);
        Assert.Equal(1.0, nb.Number(@"English: ([\d.]+) UTF-8 bytes"));
        Assert.True(nb.Number(@"Korean : [\d.]+ UTF-8 bytes and ([\d.]+) GPT-2 tokens") >
                    5 * nb.Number(@"English: [\d.]+ UTF-8 bytes and ([\d.]+) GPT-2 tokens"));
        Assert.True(nb.Number(@"cost ([\d.]+) times as many GPT-2 tokens in Korean") > 1);
        // "나는 학생입니다" is 19 GPT-2 tokens (its ids agree with Microsoft.ML.Tokenizers'), "I am a student" 4
        Assert.Contains("\"나는 학생입니다\" → 19 tokens; \"I am a student\" → 4 tokens", nb.Text);
    }
}
