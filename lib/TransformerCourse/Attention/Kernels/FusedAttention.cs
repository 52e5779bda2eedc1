using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Attention.Kernels;

/// <summary>
/// The result of batched multi-head attention: the output tensor and the weights of every sequence and head.
/// </summary>
/// <param name="Output">(B·T_q)×(h·d_v): head h's output in columns [h·d_v, (h+1)·d_v)
/// (the heads concatenated).</param>
/// <param name="Weights">The B×h×T_q×T_k attention weights (before dropout).</param>
internal sealed record BatchedAttentionResult(Tensor Output, AttentionWeights Weights);

/// <summary>
/// Scaled dot-product attention for a whole batch and every head in one autograd operation, with the course's masks
/// and weights: it turns an <see cref="AttentionMask"/> into each sequence's additive T_q×T_k scores, runs the kernel
/// (<c>Autograd/Kernels/AttentionKernel.cs</c>, which knows nothing of attention's types) and keeps the weights as
/// <see cref="AttentionWeights"/>. It computes what <see cref="ScaledDotProductAttention"/> computes for each
/// (b, h); <see cref="MultiHeadAttention"/> calls <see cref="ConcatHeads"/> when
/// <see cref="KernelSwitch.Fused"/> is on.
/// </summary>
internal static class FusedAttention
{
    /// <summary>
    /// Multi-head scaled dot-product attention over a batch. Q, K, V must already be projected (no weights here).
    /// </summary>
    /// <param name="q">Queries, (B·T_q)×(h·d_k).</param>
    /// <param name="k">Keys, (B·T_k)×(h·d_k).</param>
    /// <param name="v">Values, (B·T_k)×(h·d_v).</param>
    /// <param name="heads">h; the columns of Q, K and V are split into h equal blocks.</param>
    /// <param name="batch">B; T_q = rows(Q)/B and T_k = rows(K)/B.</param>
    /// <param name="mask">Which keys each query may see (padding, causal, additive), or null for all.</param>
    /// <param name="scale">The factor s on the scores; default 1/√d_k (use 1 for plain dot-product attention).</param>
    /// <param name="dropout">Attention dropout probability p on the weights (applied only when <paramref name="rng"/>
    /// is given).</param>
    /// <param name="rng">The random source for attention dropout; null means no dropout (evaluation).</param>
    /// <returns>The output (B·T_q)×(h·d_v) and the weights.</returns>
    public static BatchedAttentionResult Forward(Tensor q, Tensor k, Tensor v, int heads, int batch,
        AttentionMask? mask = null, double? scale = null, double dropout = 0.0, Rng? rng = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (heads <= 0 || q.Cols % heads != 0 || k.Cols != q.Cols || v.Cols % heads != 0)
            throw new ArgumentException(
                $"FusedAttention: Q is {q.Shape}, K is {k.Shape}, V is {v.Shape} with h={heads}; Q and K need the " +
                    "same columns and Q and V a multiple of h.");
        return Forward(q, 0, k, 0, v, 0, heads, q.Cols / heads, v.Cols / heads, batch, mask, scale, dropout, rng);
    }

    /// <summary>
    /// What <c>MultiHeadAttention</c>'s readable <c>ConcatHeads</c> computes, as one kernel: Q, K and V projected
    /// together when they come from the same input (one (B·T)×3d product, attended in place through column offsets),
    /// and every sequence and head attended in one autograd node. Sets the layer's <c>LastWeights</c>.
    /// </summary>
    /// <returns>Concat(head_1, …, head_h), (B·T_q)×d_model.</returns>
    internal static Tensor ConcatHeads(MultiHeadAttention layer, Tensor query, Tensor key, Tensor value, int batch,
        AttentionMask? mask)
    {
        int d = layer.DModel, kvd = layer.KvDim;            // K and V are g·d_k wide (d_model unless grouped)
        Tensor q, k, v;
        int qCol, kCol, vCol;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = Project(layer, query, 0, d + 2 * kvd); // (B·T)×(d + 2·g·d_k) = [Q | K | V]
            (q, qCol, k, kCol, v, vCol) = (qkv, 0, qkv, d, qkv, d + kvd);
        }
        else if (ReferenceEquals(key, value))
        {
            q = Project(layer, query, 0, d);
            var kv = Project(layer, key, d, 2 * kvd);        // (B·T_k)×2·g·d_k = [K | V]
            (qCol, k, kCol, v, vCol) = (0, kv, 0, kv, kvd);
        }
        else
        {
            (q, k, v) = (Project(layer, query, 0, d), Project(layer, key, d, kvd),
                Project(layer, value, d + kvd, kvd));
            (qCol, kCol, vCol) = (0, 0, 0);
        }

        if (layer.Rotary is { } rotary)
        {
            int tq = query.Rows / batch, tk = key.Rows / batch;
            var qr = rotary.Apply(Columns(q, qCol, d), tq, layer.Heads);
            var kr = rotary.Apply(Columns(k, kCol, kvd), tk, layer.KvHeads);
            (q, qCol, k, kCol) = (qr, 0, kr, 0);
        }
        if (layer.KvHeads < layer.Heads)                     // grouped: every query head gets its group's K and V
            (k, kCol, v, vCol) = (RepeatKvHeads(layer, k, kCol), 0, RepeatKvHeads(layer, v, vCol), 0);

        var attention = Forward(q, qCol, k, kCol, v, vCol, layer.Heads, layer.DK, layer.DK, batch, mask,
            scale: null, dropout: layer.DropoutP, rng: layer.DropoutRng);
        layer.LastWeights = attention.Weights;
        return attention.Output;
    }

    /// <summary>x·W[rows]ᵀ + b[rows] for the block of the layer's <c>in_proj</c> rows [start, start+count).</summary>
    private static Tensor Project(MultiHeadAttention layer, Tensor x, int start, int count)
    {
        bool all = start == 0 && count == layer.InProjWeight.Rows;
        var w = all ? layer.InProjWeight : layer.InProjWeight.SliceRows(start, count);
        var b = layer.InProjBias is null ? null : all ? layer.InProjBias : layer.InProjBias.SliceCols(start, count);
        return FusedLinear.Forward(x, w, b, op: "MultiHeadAttention.in_proj");
    }

    /// <summary>
    /// The g key (or value) heads at columns [start, start + g·d_k) of t, repeated for the h query heads: column block
    /// i of the (B·T)×(h·d_k) result is key/value head i / (h/g). Gradients of the copies add up in the shared head.
    /// </summary>
    private static Tensor RepeatKvHeads(MultiHeadAttention layer, Tensor t, int start)
    {
        var heads = new Tensor[layer.Heads];
        for (int i = 0; i < heads.Length; i++) heads[i] = t.SliceCols(start + layer.KvHeadOf(i) * layer.DK, layer.DK);
        return Tensor.ConcatCols(heads);
    }

    private static Tensor Columns(Tensor t, int start, int count) =>
        start == 0 && count == t.Cols ? t : t.SliceCols(start, count);

    /// <summary>
    /// The general form: Q, K and V are column ranges of possibly the same tensor (e.g. a packed (B·T)×3d
    /// projection [Q | K | V]), starting at the given columns. This avoids copying them apart.
    /// </summary>
    internal static BatchedAttentionResult Forward(Tensor q, int qCol, Tensor k, int kCol, Tensor v, int vCol,
        int heads, int dk, int dv, int batch, AttentionMask? mask, double? scale, double dropout, Rng? rng)
    {
        // The masks of each sequence (shared by its heads), row-major T_q×T_k; null where nothing is hidden.
        // A batch that does not divide the rows is left to the kernel, which names the shapes.
        double[]?[]? masks = null;
        bool rowsFit = batch > 0 && q.Rows % batch == 0 && k.Rows % batch == 0;
        int tq = rowsFit ? q.Rows / batch : 0, tk = rowsFit ? k.Rows / batch : 0;
        if (rowsFit && mask is not null)
        {
            mask.Validate("FusedAttention", batch, tq, tk);
            if (!mask.IsEmpty)
            {
                masks = new double[batch][];
                for (int b = 0; b < batch; b++)
                {
                    var m = new double[tq * tk];
                    if (mask.Fill(b, tq, tk, m)) masks[b] = m;
                }
            }
        }
        var (output, probabilities) = AttentionKernel.Forward(q, qCol, k, kCol, v, vCol, heads, dk, dv, batch, masks,
            scale, dropout, rng);
        return new BatchedAttentionResult(output, new AttentionWeights(batch, heads, tq, tk, probabilities));
    }
}
