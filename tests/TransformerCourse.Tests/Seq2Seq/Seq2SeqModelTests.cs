using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>The GRU encoder–decoders: gradients, shapes, attention weights, and the batched attention pieces.</summary>
public class Seq2SeqModelTests
{
    private static readonly Seq2SeqSizes Tiny = new(SourceVocab: 9, TargetVocab: 8, Embed: 3, EncoderHidden: 3, DecoderHidden: 4, Attention: 3);

    private static Seq2SeqBatch Batch()
    {
        var pairs = new List<EncodedPair>
        {
            new([4, 5, 6, 7], [5, 6]),
            new([8, 4], [7, 4, 3]),
        };
        return Seq2SeqBatch.Create(pairs, [0, 1]);
    }

    public static TheoryData<string> Kinds => new() { "none", "bahdanau", "luong-dot", "luong-general", "luong-concat" };

    private static RecurrentSeq2Seq Make(string kind, Seq2SeqSizes sizes, Rng rng) => kind switch
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

    [Fact]
    public void EmbeddingHookGivesTheGradientOfEachSourcePosition()
    {
        var model = new GruSeq2Seq(Tiny with { Bidirectional = false }, new Rng(5));
        var batch = Batch();
        Tensor? embedded = null;
        model.Encoder.OnEmbedded = x => embedded = x;
        model.Loss(batch).Backward();

        Assert.NotNull(embedded);
        int time = batch.Source.Time;
        Assert.Equal(batch.Size * time, embedded!.Rows);
        Assert.Equal(Tiny.Embed, embedded.Cols);
        var grad = embedded.Grad!;
        // Padding positions (the second source has 2 of 4 tokens) are never read: zero gradient.
        Assert.Equal(0.0, grad.SubMatrix(time + 2, 2, 0, Tiny.Embed).Enumerate().Select(Math.Abs).Max());
        // Chain rule through the lookup: the embedding table's gradient row k is the sum of the positions holding token k.
        var ids = batch.Source.FlatIds();
        var table = model.Encoder.Embedding.Weight.Grad!;
        for (int k = 1; k < Tiny.SourceVocab; k++)
        {
            var sum = new double[Tiny.Embed];
            for (int r = 0; r < ids.Length; r++)
                if (ids[r] == k)
                    for (int c = 0; c < Tiny.Embed; c++) sum[c] += grad[r, c];
            for (int c = 0; c < Tiny.Embed; c++) Assert.Equal(table[k, c], sum[c], 12);
        }
        Assert.True(grad.Row(0).L2Norm() > 0);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void LogitsHaveOneRowPerTargetPosition(string kind)
    {
        var model = Make(kind, Tiny, new Rng(2));
        var batch = Batch();
        var logits = model.Logits(batch);
        Assert.Equal(batch.Size * batch.DecoderTarget.Time, logits.Rows);
        Assert.Equal(Tiny.TargetVocab, logits.Cols);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void StepwiseDecodingAgreesWithTeacherForcing(string kind)
    {
        // Feeding the decoder its target one token at a time must give the same log-probabilities as the teacher-forced pass.
        var model = Make(kind, Tiny, new Rng(4));
        var batch = Batch();
        using var noGrad = Tensor.NoGrad();
        var logp = model.Logits(batch).LogSoftmax().Data;
        var state = model.Start(batch.Source);
        int time = batch.DecoderInput.Time;
        for (int t = 0; t < time; t++)
        {
            var previous = Enumerable.Range(0, batch.Size).Select(b => batch.DecoderInput.Ids[b, t]).ToList();
            var step = model.Step(state, previous);
            for (int b = 0; b < batch.Size; b++)
                Expect.Close(logp.Row(b * time + t), step.LogProbs.Row(b), 1e-12, $"step {t}, sequence {b}");
            state = step.State;
        }
    }

    [Theory]
    [InlineData("bahdanau")]
    [InlineData("luong-general")]
    public void AttentionIsADistributionOverRealSourceTokens(string kind)
    {
        var model = Make(kind, Tiny, new Rng(6));
        var batch = Batch();
        var maps = model.AttentionMaps(batch);
        Assert.Equal(2, maps.Count);
        for (int b = 0; b < 2; b++)
        {
            int len = batch.Source.Lengths[b];
            for (int t = 0; t < maps[b].RowCount; t++)
            {
                var row = maps[b].Row(t);
                Expect.Close(1.0, row.Sum(), 1e-12, $"Σ_j a_{t}j of sequence {b}");
                Assert.All(row, a => Assert.True(a >= 0));
                for (int j = len; j < row.Count; j++) Assert.Equal(0.0, row[j]);
            }
        }
    }
}
