using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Data;

namespace TransformerCourse.Generation;

/// <summary>A generated target sequence.</summary>
/// <param name="Tokens">The ids produced, without &lt;bos&gt; and &lt;eos&gt;.</param>
/// <param name="LogProb">log p of the tokens (and the final &lt;eos&gt;, if produced) under the model.</param>
/// <param name="Attention">Row i is the attention over the source (length S, the source's true length) used to produce
/// token i
/// (one more row for &lt;eos&gt;, if produced); null if the model has none.</param>
/// <param name="Finished">Whether &lt;eos&gt; was produced before the length limit.</param>
public sealed record Decoded(int[] Tokens, double LogProb, Matrix<double>? Attention, bool Finished);

/// <summary>Generating target sequences from a trained <see cref="Seq2SeqModel"/>.</summary>
public static class Decoding
{
    /// <summary>
    /// Greedy decoding: at each step take the single most likely next token, yᵢ = argmax p(y | y₍&lt;ᵢ₎, x),
    /// for every source of the batch at once, until &lt;eos&gt; or <paramref name="maxLength"/> tokens.
    /// </summary>
    public static IReadOnlyList<Decoded> Greedy(Seq2SeqModel model, Batch source, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (maxLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Greedy: maxLength must be positive.");
        using var noGrad = Tensor.NoGrad();
        int n = source.Size;
        var tokens = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var attention = Enumerable.Range(0, n).Select(_ => new List<Vector<double>>()).ToArray();
        var logProb = new double[n];
        var finished = new bool[n];
        var state = model.Start(source);
        var active = Enumerable.Range(0, n).ToList();      // the source row of each hypothesis in the state
        var previous = Enumerable.Repeat(Vocabulary.Bos, n).ToList();
        for (int step = 0; step < maxLength && active.Count > 0; step++)
        {
            var result = model.Step(state, previous);
            var keep = new List<int>();
            var nextPrevious = new List<int>();
            for (int h = 0; h < active.Count; h++)
            {
                int src = active[h];
                var row = result.LogProbs.Row(h);
                int best = row.MaximumIndex();
                logProb[src] += row[best];
                if (result.Attention is not null)
                    attention[src].Add(result.Attention.Row(h).SubVector(0, source.Lengths[src]));
                if (best == Vocabulary.Eos) finished[src] = true;
                else
                {
                    tokens[src].Add(best);
                    keep.Add(h);
                    nextPrevious.Add(best);
                }
            }
            if (keep.Count == 0) break;
            state = keep.Count == active.Count ? result.State : result.State.Select(keep);
            active = keep.Select(h => active[h]).ToList();
            previous = nextPrevious;
        }
        return Enumerable.Range(0, n).Select(i => new Decoded(
            tokens[i].ToArray(), logProb[i],
            attention[i].Count > 0 ? Matrix<double>.Build.DenseOfRowVectors(attention[i]) : null,
            finished[i])).ToList();
    }

    /// <summary>
    /// Beam search for each source: keep the <paramref name="beamWidth"/> most likely partial sequences, extend each by
    /// every token, keep the best again. A finished hypothesis is ranked by log p / |y|^α (length normalisation:
    /// α = 0 ranks by log p, which favours short outputs; α ≈ 0.6–1 removes most of that bias).
    /// </summary>
    public static IReadOnlyList<Decoded> Beam(Seq2SeqModel model, Batch source, int beamWidth, int maxLength,
        double lengthPenalty = 1.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        if (beamWidth <= 0)
            throw new ArgumentOutOfRangeException(nameof(beamWidth), beamWidth,
                "Beam: the beam width must be positive.");
        if (maxLength <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Beam: maxLength must be positive.");
        using var noGrad = Tensor.NoGrad();
        var all = model.Start(source);
        var results = new List<Decoded>();
        for (int i = 0; i < source.Size; i++)
            results.Add(BeamOne(model, all.Select([i]), source.Lengths[i], beamWidth, maxLength, lengthPenalty));
        return results;
    }

    private sealed record Hypothesis(List<int> Tokens, double LogProb, List<Vector<double>> Attention);

    private static Decoded BeamOne(Seq2SeqModel model, DecoderState state, int sourceLength, int width, int maxLength,
        double alpha)
    {
        double Normalised(double logProb, int length) => logProb / Math.Pow(Math.Max(1, length), alpha);
        var beams = new List<Hypothesis> { new([], 0.0, []) };
        var done = new List<(Hypothesis H, double Score)>();
        for (int step = 0; step < maxLength && beams.Count > 0; step++)
        {
            var result = model.Step(state,
                beams.Select(b => b.Tokens.Count == 0 ? Vocabulary.Bos : b.Tokens[^1]).ToList());
            var candidates = new List<(int Beam, int Token, double LogProb)>();
            for (int b = 0; b < beams.Count; b++)
            {
                var row = result.LogProbs.Row(b);
                // Only the top `width` tokens of each beam can make the overall top `width`.
                foreach (int tok in TopK(row, width)) candidates.Add((b, tok, beams[b].LogProb + row[tok]));
            }
            var next = new List<Hypothesis>();
            var rows = new List<int>();
            foreach (var (b, tok, lp) in candidates.OrderByDescending(c => c.LogProb))
            {
                var att = new List<Vector<double>>(beams[b].Attention);
                if (result.Attention is not null) att.Add(result.Attention.Row(b).SubVector(0, sourceLength));
                if (tok == Vocabulary.Eos)
                {
                    var h = new Hypothesis(beams[b].Tokens, lp, att);
                    done.Add((h, Normalised(lp, h.Tokens.Count + 1)));
                }
                else if (next.Count < width)
                {
                    next.Add(new Hypothesis([.. beams[b].Tokens, tok], lp, att));
                    rows.Add(b);
                }
                if (next.Count == width && done.Count >= width) break;
            }
            // Stop once no live beam can beat the best finished one (log p only falls as tokens are added).
            if (done.Count >= width && next.Count > 0
                && done.Max(d => d.Score) >= next.Max(h => Normalised(h.LogProb, maxLength)))
                break;
            beams = next;
            if (beams.Count > 0) state = result.State.Select(rows);
        }
        bool finished = done.Count > 0;
        var best = finished
            ? done.OrderByDescending(d => d.Score).First().H
            : beams.OrderByDescending(b => Normalised(b.LogProb, b.Tokens.Count)).First();
        return new Decoded(best.Tokens.ToArray(), best.LogProb,
            best.Attention.Count > 0 ? Matrix<double>.Build.DenseOfRowVectors(best.Attention) : null, finished);
    }

    private static IEnumerable<int> TopK(Vector<double> row, int k) =>
        Enumerable.Range(0, row.Count).OrderByDescending(i => row[i]).ThenBy(i => i).Take(k);
}
