namespace TransformerCourse.Data;

/// <summary>
/// Bucketing by length: batches of sequences of similar length waste little compute on padding.
/// One epoch's plan: shuffle all indices (seeded); cut them into pools of <c>poolSize</c>; sort each pool by
/// length (stable); chunk each pool into batches of <c>batchSize</c> (a pool's last batch may be smaller);
/// shuffle the order of the batches. Every index appears in exactly one batch. The plan is a pure function of
/// (lengths, batch size, pool size, seed, epoch), so training resumed at epoch e sees the same batches.
/// </summary>
public static class Bucketing
{
    /// <summary>
    /// The batches of one epoch as arrays of indices into the data. <paramref name="lengths"/>[i] is the sort key of
    /// example i (e.g. source + target length); <paramref name="poolSize"/> defaults to 50 batches
    /// (0 or less = default); a pool as large as the data sorts everything, a pool of one batch does not bucket at all.
    /// </summary>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<int> lengths, int batchSize, int seed, int epoch = 0,
        int poolSize = 0)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize),
                $"Bucketing.Plan: batchSize must be ≥ 1, got {batchSize}");
        if (poolSize <= 0) poolSize = 50 * batchSize;
        var rng = SplitMix64.ForStream(seed, epoch);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        rng.Shuffle(order);
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length; start += poolSize)
        {
            var pool = order.Skip(start).Take(poolSize).OrderBy(i => lengths[i]).ToArray();  // OrderBy is stable
            batches.AddRange(pool.Chunk(batchSize));
        }
        rng.Shuffle(batches);
        return batches;
    }

    /// <summary>Batches in data order with no shuffling or sorting (for evaluation): [0..B), [B..2B), ….</summary>
    public static IReadOnlyList<int[]> InOrder(int count, int batchSize)
    {
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize),
                $"Bucketing.InOrder: batchSize must be ≥ 1, got {batchSize}");
        return Enumerable.Range(0, count).Chunk(batchSize).ToList();
    }
}
