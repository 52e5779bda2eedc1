using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;

namespace TransformerCourse.Generation;

/// <summary>
/// A <see cref="MultiHeadAttention"/> layer run one new position at a time against a <see cref="LayerCache"/>.
/// Self-attention at step t: project the new token's q_t, k_t, v_t; append k_t, v_t to the cache; attend q_t over
/// all the cached keys k_0 … k_t (no mask needed: later keys are not there yet). Cross-attention: the memory's keys
/// and values are projected once per source (<see cref="ProjectMemory"/>), and each step projects only q_t.
/// </summary>
/// <remarks>
/// <para>Shapes: x B×d_model (one row per sequence), result B×d_model. The numbers are the uncached layer's
/// (the same projections, softmax(q·kᵀ/√d_k) v per head, output projection), up to rounding. With g key/value heads
/// query head i reads key/value head i / (h/g); g is read from the layer's projection sizes.</para>
/// <para>Inference only: no gradient flows through the cached keys and values, and there is no attention dropout
/// (generate in evaluation mode).</para>
/// </remarks>
public static class CachedAttention
{
    /// <summary>
    /// g, the layer's number of key/value heads: its <c>in_proj_weight</c> stacks W^Q (d_model rows) over W^K and W^V
    /// (g·d_k rows each), so g = (rows − d_model) / (2·d_k); h for standard attention.
    /// </summary>
    public static int KvHeads(MultiHeadAttention attention)
    {
        ArgumentNullException.ThrowIfNull(attention);
        return (attention.InProjWeight.Rows - attention.DModel) / (2 * attention.DK);
    }

    /// <summary>Q = x·W^Qᵀ + b^Q (<paramref name="part"/> 0, n×d_model), K (1) or V (2) (n×g·d_k each).</summary>
    public static Tensor Project(MultiHeadAttention attention, Tensor x, int part)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(x);
        if (part is < 0 or > 2)
            throw new ArgumentOutOfRangeException(nameof(part), part, "CachedAttention.Project: 0 = Q, 1 = K, 2 = V.");
        int kvDim = KvHeads(attention) * attention.DK;
        int start = part == 0 ? 0 : attention.DModel + (part - 1) * kvDim;
        int count = part == 0 ? attention.DModel : kvDim;
        var y = x.MatMul(attention.InProjWeight.SliceRows(start, count), transposeOther: true);
        return attention.InProjBias is null ? y : y + attention.InProjBias.SliceCols(start, count);
    }

    /// <summary>
    /// Causal self-attention for one new position per sequence: project q_t, k_t, v_t from x (B×d_model); append
    /// k_t, v_t to the cache; head_i = softmax(q_t,i K_iᵀ/√d_k) V_i over the t + 1 cached rows; concatenate the heads
    /// and apply W^O. RoPE, if the layer has it, rotates q_t and k_t by position t before k_t is cached.
    /// </summary>
    public static Tensor SelfAttention(MultiHeadAttention attention, Tensor x, LayerCache cache)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cache);
        int position = cache.Length, g = KvHeads(attention);
        var q = Project(attention, x, 0);                                    // B×d_model, the new queries
        var k = Project(attention, x, 1);                                    // B×(g·d_k), the new keys
        var v = Project(attention, x, 2);                                    // B×(g·d_k), the new values
        if (attention.Rotary is { } rope)
            (q, k) = (rope.Apply(q, 1, attention.Heads, position), rope.Apply(k, 1, g, position));
        cache.Append(k.Data, v.Data);                                        // K, V: one more row each
        var keys = Enumerable.Range(0, cache.Batch).Select(cache.Keys).ToArray();
        var values = Enumerable.Range(0, cache.Batch).Select(cache.Values).ToArray();
        var counts = Enumerable.Repeat(cache.Length, cache.Batch).ToArray();
        var heads = Attend(attention, q, keys, values, counts, meanWeights: null);
        return attention.OutProj.Forward(heads);                             // Concat(heads) W^O + b^O
    }

    /// <summary>Projects the encoder memory ((B·S)×d_model) to the cross-attention's keys and values once, and
    /// stores them with each source's true length (padding is never attended).</summary>
    public static void ProjectMemory(MultiHeadAttention attention, Tensor memory, SequenceBatch source,
        LayerCache cache)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(cache);
        if (attention.Rotary is not null)
            throw new ArgumentException("CachedAttention.ProjectMemory: cross-attention with RoPE is not supported.");
        source.CheckRows("CachedAttention.ProjectMemory", memory, "memory");
        var lengths = Enumerable.Range(0, source.Batch).Select(source.Length).ToArray();
        cache.SetMemory(Project(attention, memory, 1).Data, Project(attention, memory, 2).Data, source.Time,
            lengths);
    }

    /// <summary>
    /// Cross-attention for one new position per sequence: only q_t is projected; each head attends over the
    /// memory's cached keys and values (its first S_b positions). The head-averaged weights, B×S, are left in
    /// <see cref="LayerCache.LastCrossWeights"/>.
    /// </summary>
    public static Tensor CrossAttention(MultiHeadAttention attention, Tensor x, LayerCache cache)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.SourceTime == 0)
            throw new InvalidOperationException("CachedAttention.CrossAttention: the cache holds no memory; call " +
                "ProjectMemory first.");
        var q = Project(attention, x, 0);                                    // B×d_model
        var weights = new DenseMatrix(cache.Batch, cache.SourceTime);
        var heads = Attend(attention, q, cache.MemoryKeys, cache.MemoryValues, cache.SourceLengths, weights);
        cache.LastCrossWeights = weights;
        return attention.OutProj.Forward(heads);
    }

    /// <summary>
    /// For every sequence b and query head i (key/value head j = i / (h/g)):
    /// head_bi = Σ_{t &lt; n_b} w_t v_t, w = softmax_t(q_bi · k_t / √d_k), over the first n_b cached rows.
    /// </summary>
    private static Tensor Attend(MultiHeadAttention attention, Tensor q, IReadOnlyList<double[]> keys,
        IReadOnlyList<double[]> values, IReadOnlyList<int> counts, Matrix<double>? meanWeights)
    {
        int batch = q.Rows, d = attention.DModel, dk = attention.DK, h = attention.Heads;
        int g = KvHeads(attention), kvDim = g * dk, group = h / g;
        double scale = 1.0 / Math.Sqrt(dk);
        var qv = q.Data.ToRowMajorArray();                                   // row b = q_b, head i in [i·d_k, …)
        var output = new double[batch * d];
        var w = new double[counts.Count == 0 ? 0 : counts.Max()];
        for (int b = 0; b < batch; b++)
        {
            var (kb, vb, n) = (keys[b], values[b], counts[b]);
            for (int i = 0; i < h; i++)
            {
                if (n == 0) continue;                                        // nothing to attend to: a zero head
                int qo = b * d + i * dk, kvo = i / group * dk;
                // Scores s_t = q · k_t / √d_k and their maximum (for a stable softmax).
                double max = double.NegativeInfinity;
                for (int t = 0; t < n; t++)
                {
                    double s = 0;
                    for (int c = 0; c < dk; c++) s += qv[qo + c] * kb[t * kvDim + kvo + c];
                    w[t] = s * scale;
                    max = Math.Max(max, w[t]);
                }
                double sum = 0;
                for (int t = 0; t < n; t++) sum += w[t] = Math.Exp(w[t] - max);
                // head = Σ_t (e_t / Σ e) v_t.
                for (int t = 0; t < n; t++)
                {
                    double p = w[t] / sum;
                    for (int c = 0; c < dk; c++) output[qo + c] += p * vb[t * kvDim + kvo + c];
                    if (meanWeights is not null) meanWeights[b, t] += p / h;
                }
            }
        }
        return Tensor.Constant(DenseMatrix.Create(batch, d, (r, c) => output[r * d + c]));
    }
}
