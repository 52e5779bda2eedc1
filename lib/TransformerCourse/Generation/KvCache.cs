using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Generation;

/// <summary>
/// The key/value cache of a Transformer decoder during generation. At step t each layer's self-attention projects only
/// the new token's query, key and value, appends k_t and v_t to that layer's cache, and attends q_t over all the cached
/// keys k_0 … k_t: the keys and values of earlier positions never change (causal attention), so recomputing them, as
/// an uncached decoder does, repeats work already done. An encoder-decoder also keeps each layer's cross-attention keys
/// and values of the encoder memory, projected once per source.
/// </summary>
/// <remarks>
/// <para>Layout: per layer and sequence b, the keys are a T×(g·d_k) row-major array (row t = k_t, key/value head j in
/// columns [j·d_k, (j+1)·d_k)), exactly the projected keys <c>MultiHeadAttention</c> computes; the values likewise.
/// g is the number of key/value heads (h for standard attention, fewer for grouped-query attention).</para>
/// <para>Memory: <see cref="Bytes"/> = 2 · layers · B · T · g · d_k · 8 bytes (K and V, float64).</para>
/// </remarks>
public sealed class KvCache
{
    private readonly LayerCache[] _layers;

    /// <summary>Creates an empty cache.</summary>
    /// <param name="layers">The number of decoder layers.</param>
    /// <param name="batch">B, the number of sequences generated together.</param>
    /// <param name="kvHeads">g, the number of key/value heads of each self-attention.</param>
    /// <param name="dK">d_k, the width of one head.</param>
    /// <param name="maxLength">The most positions the cache may hold (the model's MaxLength).</param>
    public KvCache(int layers, int batch, int kvHeads, int dK, int maxLength)
    {
        if (layers <= 0 || batch <= 0 || kvHeads <= 0 || dK <= 0 || maxLength <= 0)
            throw new ArgumentException($"KvCache: sizes must be positive, got layers={layers}, B={batch}, " +
                $"g={kvHeads}, d_k={dK}, MaxLength={maxLength}.");
        KvHeads = kvHeads;
        DK = dK;
        MaxLength = maxLength;
        _layers = new LayerCache[layers];
        for (int i = 0; i < layers; i++) _layers[i] = new LayerCache(this, batch);
    }

    private KvCache(KvCache from, LayerCache[] layers)
    {
        KvHeads = from.KvHeads;
        DK = from.DK;
        MaxLength = from.MaxLength;
        _layers = layers;
    }

    /// <summary>The caches of the layers, first to last.</summary>
    public IReadOnlyList<LayerCache> Layers => _layers;

    /// <summary>B, the number of sequences.</summary>
    public int Batch => _layers[0].Batch;

    /// <summary>g, the number of key/value heads.</summary>
    public int KvHeads { get; }

    /// <summary>d_k, the width of one head.</summary>
    public int DK { get; }

    /// <summary>g·d_k, the width of one cached key (or value) row.</summary>
    public int KvDim => KvHeads * DK;

    /// <summary>The most positions the cache may hold.</summary>
    public int MaxLength { get; }

    /// <summary>T, the positions cached so far (in the last layer: a step appends layer by layer).</summary>
    public int Length => _layers[^1].Length;

    /// <summary>The self-attention cache's memory: 2 · layers · B · T · g · d_k · 8 bytes.</summary>
    public long Bytes => 2L * _layers.Length * Batch * Length * KvDim * sizeof(double);

    /// <summary>The cross-attention cache's memory (encoder-decoder only, else 0): 2 · layers · B · S · g · d_k · 8
    /// bytes for a source of S positions.</summary>
    public long CrossAttentionBytes => _layers[0].SourceTime == 0 ? 0
        : 2L * _layers.Length * Batch * _layers[0].SourceTime * KvDim * sizeof(double);

    /// <summary>
    /// A cache for the given sequences, in that order (rows may repeat: beam search copies its best hypotheses),
    /// holding their first <paramref name="length"/> positions (default: all). The self-attention keys and values
    /// are copied (each sequence appends its own); the memory's are shared.
    /// </summary>
    public KvCache Select(IReadOnlyList<int> rows, int? length = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("KvCache.Select: no rows selected.");
        if (length is { } n && (n < 0 || n > Length))
            throw new ArgumentOutOfRangeException(nameof(length), n, $"KvCache.Select: {n} positions of a cache " +
                $"holding {Length}.");
        foreach (int r in rows)
        {
            if (r < 0 || r >= Batch)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"KvCache.Select: row {r} of a cache of " +
                    $"B={Batch} sequences.");
        }
        var selected = new KvCache(this, new LayerCache[_layers.Length]);
        for (int i = 0; i < _layers.Length; i++)
            selected._layers[i] = _layers[i].Select(selected, rows, length ?? Length);
        return selected;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"KvCache: {_layers.Length} layers, B={Batch}, T={Length}/{MaxLength}, g={KvHeads}, d_k={DK}, {Bytes} bytes";
}

/// <summary>
/// One layer's cache: the self-attention keys K_b and values V_b of every sequence b, T×(g·d_k) each, growing by one
/// row per step; and, in an encoder-decoder, the memory's keys and values for cross-attention, S×(g·d_k), fixed.
/// </summary>
public sealed class LayerCache
{
    private readonly KvCache _owner;
    private double[][] _keys;      // [b]: row-major, capacity×(g·d_k); rows [0, Length) are in use
    private double[][] _values;

    internal LayerCache(KvCache owner, int batch)
    {
        _owner = owner;
        _keys = new double[batch][];
        _values = new double[batch][];
        for (int b = 0; b < batch; b++) (_keys[b], _values[b]) = ([], []);
        MemoryKeys = [];
        MemoryValues = [];
        SourceLengths = [];
    }

    /// <summary>B.</summary>
    public int Batch => _keys.Length;

    /// <summary>T, the positions cached in this layer.</summary>
    public int Length { get; private set; }

    /// <summary>The cached keys of sequence b: row t (t &lt; <see cref="Length"/>) at [t·g·d_k, (t+1)·g·d_k).</summary>
    public double[] Keys(int b) => _keys[b];

    /// <summary>The cached values of sequence b, laid out as <see cref="Keys"/>.</summary>
    public double[] Values(int b) => _values[b];

    /// <summary>S, the memory's positions per sequence (0 without cross-attention).</summary>
    public int SourceTime { get; private set; }

    /// <summary>The memory's keys per sequence, S×(g·d_k) row-major (empty without cross-attention).</summary>
    public IReadOnlyList<double[]> MemoryKeys { get; private set; }

    /// <summary>The memory's values per sequence, laid out as <see cref="MemoryKeys"/>.</summary>
    public IReadOnlyList<double[]> MemoryValues { get; private set; }

    /// <summary>The true (unpadded) length of each sequence's memory; padded positions are never attended.</summary>
    public IReadOnlyList<int> SourceLengths { get; private set; }

    /// <summary>The last step's cross-attention weights averaged over heads, B×S (padding 0), or null.</summary>
    public Matrix<double>? LastCrossWeights { get; internal set; }

    /// <summary>Appends one position per sequence: row b of <paramref name="k"/> and <paramref name="v"/>
    /// (B×(g·d_k) each) becomes K_b's and V_b's row T.</summary>
    public void Append(Matrix<double> k, Matrix<double> v)
    {
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        int width = _owner.KvDim;
        if (k.RowCount != Batch || v.RowCount != Batch || k.ColumnCount != width || v.ColumnCount != width)
            throw new ArgumentException($"KvCache.Append: k is {k.RowCount}×{k.ColumnCount} and v is " +
                $"{v.RowCount}×{v.ColumnCount}, but the cache holds B={Batch} sequences of g·d_k={width} columns.");
        if (Length >= _owner.MaxLength)
            throw new InvalidOperationException($"KvCache.Append: position {Length} is beyond the cache's " +
                $"MaxLength={_owner.MaxLength} (positions 0…{_owner.MaxLength - 1}).");
        for (int b = 0; b < Batch; b++)
        {
            _keys[b] = Grown(_keys[b], width);
            _values[b] = Grown(_values[b], width);
            for (int c = 0; c < width; c++)
            {
                _keys[b][Length * width + c] = k[b, c];
                _values[b][Length * width + c] = v[b, c];
            }
        }
        Length++;
    }

    /// <summary>Stores the memory's keys and values, (B·S)×(g·d_k) each, and each sequence's true length.</summary>
    public void SetMemory(Matrix<double> keys, Matrix<double> values, int sourceTime, IReadOnlyList<int> lengths)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(lengths);
        int width = _owner.KvDim;
        if (sourceTime <= 0 || lengths.Count != Batch || keys.RowCount != Batch * sourceTime
            || values.RowCount != keys.RowCount || keys.ColumnCount != width || values.ColumnCount != width)
            throw new ArgumentException($"KvCache.SetMemory: keys {keys.RowCount}×{keys.ColumnCount}, values " +
                $"{values.RowCount}×{values.ColumnCount}, {lengths.Count} lengths; expected (B·S)×(g·d_k) = " +
                $"({Batch}·{sourceTime})×{width} and B={Batch} lengths.");
        double[] Rows(Matrix<double> m, int b)
        {
            var rows = new double[sourceTime * width];
            for (int s = 0; s < sourceTime; s++)
                for (int c = 0; c < width; c++) rows[s * width + c] = m[b * sourceTime + s, c];
            return rows;
        }
        SourceTime = sourceTime;
        MemoryKeys = Enumerable.Range(0, Batch).Select(b => Rows(keys, b)).ToArray();
        MemoryValues = Enumerable.Range(0, Batch).Select(b => Rows(values, b)).ToArray();
        SourceLengths = lengths.ToArray();
    }

    internal LayerCache Select(KvCache owner, IReadOnlyList<int> rows, int length)
    {
        int used = length * _owner.KvDim;
        var selected = new LayerCache(owner, rows.Count)
        {
            Length = length,
            SourceTime = SourceTime,
            MemoryKeys = SourceTime == 0 ? [] : rows.Select(r => MemoryKeys[r]).ToArray(),
            MemoryValues = SourceTime == 0 ? [] : rows.Select(r => MemoryValues[r]).ToArray(),
            SourceLengths = SourceTime == 0 ? [] : rows.Select(r => SourceLengths[r]).ToArray(),
        };
        for (int i = 0; i < rows.Count; i++)
        {
            selected._keys[i] = _keys[rows[i]][..used];
            selected._values[i] = _values[rows[i]][..used];
        }
        return selected;
    }

    /// <summary>The array with room for one more row (doubling, so appending T rows copies O(T) rows in all).</summary>
    private double[] Grown(double[] rows, int width)
    {
        if ((Length + 1) * width <= rows.Length) return rows;
        int capacity = Math.Min(_owner.MaxLength, Math.Max(16, 2 * Length));
        var grown = new double[capacity * width];
        Array.Copy(rows, grown, Length * width);
        return grown;
    }
}
