using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Generation;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Generation;

/// <summary>Greedy and beam search on a model whose probabilities are fixed by hand, so the
/// right answers are known.</summary>
public class DecodingTests
{
    private const int A = 3, B = 4;

    /// <summary>
    /// p(A) = 0.55, p(B) = 0.45 first; after A: A 0.34, B 0.33, eos 0.33; after B: eos 0.9, A 0.05, B 0.05;
    /// after two tokens: eos. Greedy takes A then A (p = 0.55·0.34 = 0.187); the best
    /// sequence is B (p = 0.45·0.9 = 0.405).
    /// </summary>
    private sealed class TableModel : Seq2SeqModel
    {
        public override int TargetVocabSize => 5;

        public override Tensor Logits(Seq2SeqBatch batch) => throw new NotSupportedException();

        public override DecoderState Start(Batch source) =>
            new Prefixes(Enumerable.Range(0, source.Size).Select(_ => new List<int>()).ToList(),
            Enumerable.Range(0, source.Size).ToList());

        public override StepResult Step(DecoderState state, IReadOnlyList<int> previous)
        {
            var s = (Prefixes)state;
            var next = s.Items.Select((p, i) => previous[i] == Vocabulary.Bos ? new List<int>()
                : [.. p, previous[i]]).ToList();
            var logp = Matrix<double>.Build.Dense(next.Count, 5, double.NegativeInfinity);
            var attention = Matrix<double>.Build.Dense(next.Count, 2, 0.5);
            for (int i = 0; i < next.Count; i++)
            {
                var dist = next[i] switch
                {
                    [] => new Dictionary<int, double> { [A] = 0.55, [B] = 0.45 },
                    [A] => new Dictionary<int, double> { [A] = 0.34, [B] = 0.33, [Vocabulary.Eos] = 0.33 },
                    [B] => new Dictionary<int, double> { [Vocabulary.Eos] = 0.9, [A] = 0.05, [B] = 0.05 },
                    _ => new Dictionary<int, double> { [Vocabulary.Eos] = 1.0 },
                };
                foreach (var (tok, p) in dist) logp[i, tok] = Math.Log(p);
            }
            return new StepResult(logp, attention, new Prefixes(next, s.Rows));
        }

        private sealed class Prefixes(List<List<int>> items, List<int> rows) : DecoderState
        {
            public List<List<int>> Items => items;

            public List<int> Rows => rows;

            public override int Count => items.Count;

            public override IReadOnlyList<int> Sources => rows;

            public override DecoderState Select(IReadOnlyList<int> r) =>
                new Prefixes(r.Select(i => items[i]).ToList(), r.Select(i => rows[i]).ToList());
        }
    }

    private static Batch Source() => Batch.Pad([[5, 6], [7, 8]]);

    [Fact]
    public void GreedyTakesTheLocallyBestTokens()
    {
        var result = Decoding.Greedy(new TableModel(), Source(), 10);
        Assert.Equal(2, result.Count);
        Assert.Equal([A, A], result[0].Tokens);
        Assert.True(result[0].Finished);
        Assert.Equal(Math.Log(0.55 * 0.34 * 1.0), result[0].LogProb, 12);
        Assert.Equal(3, result[0].Attention!.RowCount);        // A, A, eos
    }

    [Fact]
    public void BeamSearchFindsTheMostLikelySequence()
    {
        var result = Decoding.Beam(new TableModel(), Source(), beamWidth: 2, maxLength: 10, lengthPenalty: 0);
        Assert.Equal([B], result[0].Tokens);
        Assert.Equal(Math.Log(0.45 * 0.9), result[0].LogProb, 12);
        Assert.Equal([B], result[1].Tokens);
    }

    [Fact]
    public void BeamOfWidthOneIsGreedy()
    {
        var beam = Decoding.Beam(new TableModel(), Source(), beamWidth: 1, maxLength: 10, lengthPenalty: 0);
        Assert.Equal([A, A], beam[0].Tokens);
    }

    [Fact]
    public void LengthLimitStopsUnfinishedOutput()
    {
        var result = Decoding.Greedy(new TableModel(), Source(), 1);
        Assert.Equal([A], result[0].Tokens);
        Assert.False(result[0].Finished);
    }

    [Fact]
    public void EveryHypothesisFinishingAtOnceEndsCleanly()
    {
        // Both sources take B then <eos> under beam width 1 from a B-first model: here, greedy on a one-row batch
        // finishes all rows in the same step.
        var result = Decoding.Greedy(new TableModel(), Batch.Pad([[5]]), 10);
        Assert.True(result[0].Finished);
    }

    [Fact]
    public void BadArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.Beam(new TableModel(), Source(), 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Decoding.Greedy(new TableModel(), Source(), 0));
    }
}
