using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

/// <summary>
/// The cached decoders against the uncached ones: the logits of every step equal (≤ 1e-12) the teacher-forced
/// forward pass over the whole prefix, for post-LN and pre-LN, learned, sinusoidal and rotary positions, and padded
/// source batches.
/// </summary>
public class CachedDecodingTests
{
    internal static readonly TransformerConfig Config = new()
    {
        DModel = 16, Heads = 4, DFF = 32, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 12,
    };

    public static TheoryData<bool, PositionalEncodingKind> Variants()
    {
        var data = new TheoryData<bool, PositionalEncodingKind>();
        foreach (bool normFirst in new[] { false, true })
            foreach (var kind in Enum.GetValues<PositionalEncodingKind>()) data.Add(normFirst, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void DecoderOnlyLogitsEqualTheUncachedForwardAtEveryStep(bool normFirst, PositionalEncodingKind kind)
    {
        var model = new DecoderOnlyLM(20, Config with { NormFirst = normFirst, Positional = kind }, new Rng(11));
        const int batch = 2, time = 9;
        int[] ids = [3, 7, 1, 19, 4, 4, 0, 12, 5, 8, 2, 2, 16, 9, 13, 6, 11, 1];
        using var noGrad = Tensor.NoGrad();
        var full = model.Forward(ids, SequenceBatch.Full(batch, time)).Data;
        var cache = CachedDecoding.Start(model, batch);
        for (int t = 0; t < time; t++)
        {
            var step = CachedDecoding.Step(model, cache, [ids[t], ids[time + t]]).Data;
            for (int b = 0; b < batch; b++)
                Expect.Close(full.Row(b * time + t), step.Row(b), 1e-12, $"logits at step {t}, sequence {b}");
        }
        Assert.Equal(2L * 2 * batch * time * 4 * 4 * 8, cache.Bytes);          // 2 · layers · B · T · g · d_k · 8
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Seq2SeqLogitsAndCrossAttentionEqualTeacherForcingWithAPaddedSource(bool normFirst,
        PositionalEncodingKind kind)
    {
        var model = new Seq2SeqTransformer(15, 17, Config with { NormFirst = normFirst, Positional = kind },
            new Rng(12));
        var source = new SequenceBatch(2, 5, [5, 3]);
        int[] sourceIds = [4, 9, 2, 11, 6, 7, 3, 13, 0, 0];
        const int time = 7;
        int[] target = [1, 5, 16, 3, 3, 9, 2, 1, 12, 4, 8, 15, 6, 10];
        using var noGrad = Tensor.NoGrad();
        var full = model.Forward(sourceIds, source, target, SequenceBatch.Full(2, time)).Data;
        var crossWeights = model.CrossAttentionWeights[^1]!;
        var cache = CachedDecoding.Start(model, model.Encode(sourceIds, source), source);
        for (int t = 0; t < time; t++)
        {
            var step = model.Logits(CachedDecoding.Step(model, cache, [target[t], target[time + t]])).Data;
            for (int b = 0; b < 2; b++)
            {
                Expect.Close(full.Row(b * time + t), step.Row(b), 1e-12, $"logits at step {t}, sequence {b}");
                Expect.Close(crossWeights.MeanOverHeads(b).Row(t), cache.Layers[^1].LastCrossWeights!.Row(b), 1e-12,
                    $"cross-attention at step {t}, sequence {b}");
            }
        }
        Assert.Equal(2L * 2 * 2 * 5 * 4 * 4 * 8, cache.CrossAttentionBytes);  // the memory, projected once
    }

    [Fact]
    public void ACacheOfTheWrongBatchLayersOrLengthIsRejectedWithTheSizes()
    {
        var model = new DecoderOnlyLM(20, Config with { MaxLength = 3 }, new Rng(13));
        using var noGrad = Tensor.NoGrad();
        var cache = CachedDecoding.Start(model, 2);
        Expect.ThrowsArgument(() => CachedDecoding.Step(model, cache, [1, 2, 3]), "DecoderOnlyLM cached step",
            "3 tokens", "B=2");
        var deeper = new DecoderOnlyLM(20, Config with { DecoderLayers = 3 }, new Rng(13));
        Expect.ThrowsArgument(() => CachedDecoding.Step(deeper, cache, [1, 2]),
            "the cache has 2 layers but the model 3");
        for (int t = 0; t < 3; t++) CachedDecoding.Step(model, cache, [1, 2]);
        var full = Assert.Throws<InvalidOperationException>(() => CachedDecoding.Step(model, cache, [1, 2]));
        Assert.Contains("position 3 is beyond MaxLength=3", full.Message);
    }
}
