using TransformerCourse.Attention;
using TransformerCourse.Autograd;

namespace TransformerCourse.Transformer;

/// <summary>Text generation: continue prompts token by token, greedily or by sampling, with or without a KV
/// cache.</summary>
public sealed partial class DecoderOnlyLM
{
    /// <summary>
    /// Greedy generation: y_t = argmax_v logits_t[v], <paramref name="newTokens"/> tokens after each prompt.
    /// <paramref name="useCache"/> true runs each step on the new token only, against a
    /// <see cref="Generation.KvCache"/> (<see cref="CachedDecoding"/>); false reruns the whole prefix through every
    /// layer at every step. Both give the same tokens; the cache is faster.
    /// </summary>
    /// <param name="prompts">B prompts of one length P ≥ 1.</param>
    /// <param name="newTokens">The number of tokens to generate for each prompt.</param>
    /// <param name="useCache">Use the KV cache.</param>
    /// <returns>The B generated continuations (without the prompts).</returns>
    public int[][] Greedy(IReadOnlyList<int[]> prompts, int newTokens, bool useCache = true) =>
        Generate("Greedy", prompts, newTokens, useCache, logits => ArgMax(logits));

    /// <summary>One prompt's greedy continuation (see <see cref="Greedy(IReadOnlyList{int[]}, int, bool)"/>).</summary>
    public int[] Greedy(int[] prompt, int newTokens, bool useCache = true) =>
        Greedy([prompt], newTokens, useCache)[0];

    /// <summary>
    /// Sampling: y_t ~ softmax(logits_t / τ), restricted to the <paramref name="topK"/> most likely tokens if given,
    /// drawn with <paramref name="rng"/> (one draw per token, sequence by sequence), so a seed fixes the output.
    /// Cached and uncached generation draw the same tokens for the same seed.
    /// </summary>
    /// <param name="prompts">B prompts of one length P ≥ 1.</param>
    /// <param name="newTokens">The number of tokens to generate for each prompt.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="temperature">τ &gt; 0: below 1 sharpens the distribution, above 1 flattens it.</param>
    /// <param name="topK">Keep only the k most likely tokens (null: all).</param>
    /// <param name="useCache">Use the KV cache.</param>
    public int[][] Sample(IReadOnlyList<int[]> prompts, int newTokens, Rng rng, double temperature = 1.0,
        int? topK = null, bool useCache = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature,
                "Sample: the temperature must be positive and finite.");
        if (topK is <= 0)
            throw new ArgumentOutOfRangeException(nameof(topK), topK, "Sample: top-k must be positive.");
        return Generate("Sample", prompts, newTokens, useCache, logits => Draw(logits, temperature, topK, rng));
    }

    /// <summary>One prompt's sampled continuation (see <see cref="Sample(IReadOnlyList{int[]}, int, Rng, double,
    /// int?, bool)"/>).</summary>
    public int[] Sample(int[] prompt, int newTokens, Rng rng, double temperature = 1.0, int? topK = null,
        bool useCache = true) =>
        Sample([prompt], newTokens, rng, temperature, topK, useCache)[0];

    /// <summary>
    /// Next-token logits for the last position of each prefix, B×V, recomputing the whole prefixes (B of length t)
    /// through every layer: the uncached step.
    /// </summary>
    public Tensor LastLogits(IReadOnlyList<int[]> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        int b = prefixes.Count, t = prefixes[0].Length;
        var batch = SequenceBatch.Full(b, t);
        var hidden = Transformer.Forward(TokenEmbedding.Apply(Embedding, Positional, prefixes.SelectMany(p => p)
            .ToArray(), batch), batch, causal: true);
        return Head.Forward(hidden.GatherRows(Enumerable.Range(0, b).Select(i => i * t + t - 1).ToArray()));
    }

    private int[][] Generate(string op, IReadOnlyList<int[]> prompts, int newTokens, bool useCache,
        Func<double[], int> choose)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0 || prompts.Any(p => p is null || p.Length == 0 || p.Length != prompts[0].Length))
            throw new ArgumentException($"{op}: the prompts must be non-empty and of one length, got lengths " +
                $"[{string.Join(", ", prompts.Select(p => p?.Length ?? 0))}].");
        if (newTokens <= 0)
            throw new ArgumentOutOfRangeException(nameof(newTokens), newTokens, $"{op}: newTokens must be positive.");
        int b = prompts.Count, p = prompts[0].Length;
        if (p + newTokens - 1 > Config.MaxLength)
            throw new ArgumentException($"{op}: a prompt of {p} tokens and {newTokens} new tokens read positions " +
                $"0…{p + newTokens - 2}, beyond MaxLength={Config.MaxLength}.");
        using var noGrad = Tensor.NoGrad();
        var sequences = prompts.Select(q => q.ToList()).ToArray();
        var cache = useCache ? CachedDecoding.Start(this, b) : null;
        if (cache is not null)
        {
            // Prefill: the prompt's tokens one by one, caching their keys and values (all but the last).
            for (int t = 0; t < p - 1; t++) CachedDecoding.Step(this, cache, prompts.Select(q => q[t]).ToArray());
        }
        for (int step = 0; step < newTokens; step++)
        {
            var logits = cache is not null
                ? CachedDecoding.Step(this, cache, sequences.Select(s => s[^1]).ToArray())
                : LastLogits(sequences.Select(s => s.ToArray()).ToArray());
            var rows = logits.Data.ToRowArrays();
            for (int i = 0; i < b; i++) sequences[i].Add(choose(rows[i]));
        }
        return sequences.Select(s => s.Skip(p).ToArray()).ToArray();
    }

    private static int ArgMax(double[] logits)
    {
        int best = 0;
        for (int v = 1; v < logits.Length; v++) if (logits[v] > logits[best]) best = v;
        return best;
    }

    /// <summary>A draw from softmax(logits/τ) over the top k (ties broken by the lower id).</summary>
    private static int Draw(double[] logits, double temperature, int? topK, Rng rng)
    {
        var candidates = Enumerable.Range(0, logits.Length).OrderByDescending(v => logits[v]).ThenBy(v => v)
            .Take(topK ?? logits.Length).ToArray();
        double max = logits[candidates[0]];
        var weights = candidates.Select(v => Math.Exp((logits[v] - max) / temperature)).ToArray();
        double u = rng.NextDouble() * weights.Sum();
        for (int i = 0; i < candidates.Length; i++)
        {
            u -= weights[i];
            if (u < 0) return candidates[i];
        }
        return candidates[^1];
    }
}
