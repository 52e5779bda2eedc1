namespace TransformerCourse.Data;

/// <summary>
/// The data sets' private random source: SplitMix64 (Steele, Lea and Flood 2014; Vigna's reference C code).
/// state += 0x9E3779B97F4A7C15, then two xor-shift-multiply rounds mix the state into the output.
/// Bit-reproducible on every machine, so the generated data sets never change unless their code does.
/// </summary>
internal sealed class SplitMix64
{
    private ulong _state;

    /// <summary>A generator whose sequence is fixed by <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one (seed, stream) pair, e.g. one epoch of shuffling: independent
    /// streams per epoch.</summary>
    public static SplitMix64 ForStream(long seed, long stream)
        => new(Mix((ulong)seed ^ Mix((ulong)stream + 0x632BE59BD9B4E019UL)));

    /// <summary>The SplitMix64 finaliser: a bijective mix of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A uniform integer in [0, n) (Lemire's multiply-high map; bias below 2⁻⁶⁰ for our n).</summary>
    public int Next(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"SplitMix64.Next: n must be positive, got {n}");
        return (int)Math.BigMul(NextUInt64(), (ulong)n, out _);
    }

    /// <summary>A uniform integer in [min, max] (both inclusive).</summary>
    public int Next(int min, int max) => min + Next(max - min + 1);

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>One element of <paramref name="items"/>, uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
