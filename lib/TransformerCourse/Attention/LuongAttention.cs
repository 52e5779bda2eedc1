using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Attention;

/// <summary>The score functions of Luong, Pham &amp; Manning (2015), "Effective Approaches
/// to Attention-based NMT".</summary>
public enum LuongScore
{
    /// <summary>score(s, h) = sᵀh: no parameters, fastest; needs d_query = d_key.</summary>
    Dot,

    /// <summary>score(s, h) = sᵀ W h (bilinear): a learned d_query×d_key matrix.</summary>
    General,

    /// <summary>score(s, h) = vᵀ tanh(W [s; h]): additive, as Bahdanau's, with one matrix
    /// on the concatenation.</summary>
    Concat,
}

/// <summary>
/// Global attention with a Luong score function: e_bt = score(s_b, h_bt), weights a_b = softmax(e_b) over the
/// (non-padding) positions, context c_b = Σ_t a_bt h_bt.
/// </summary>
/// <remarks>
/// <para>Parameters: Dot none; General <c>W.weight</c> [d_query, d_key]; Concat <c>W.weight</c> [d_att,
/// d_query + d_key] and <c>v.weight</c> [1, d_att]. No biases.</para>
/// <para>Shapes: query s B×d_query; keys h (B·T)×d_key in the <see cref="SequenceBatch"/> layout; context B×d_key;
/// weights B×T.</para>
/// <para>Cost per score: Dot d, General d² (but W h can be computed once per sequence), Concat
/// (d_query + d_key)·d_att (but W_h h can be computed once per sequence: <see cref="ProjectKeys"/>).</para>
/// </remarks>
public sealed class LuongAttention : Module
{
    /// <summary>Creates the layer.</summary>
    /// <param name="score">The score function.</param>
    /// <param name="queryDim">d_query.</param>
    /// <param name="keyDim">d_key.</param>
    /// <param name="rng">The random source for the initial weights (unused for Dot).</param>
    /// <param name="attentionDim">d_att for Concat (default d_key).</param>
    public LuongAttention(LuongScore score, int queryDim, int keyDim, Rng rng, int? attentionDim = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Score = score;
        QueryDim = queryDim;
        KeyDim = keyDim;
        switch (score)
        {
            case LuongScore.Dot:
                if (queryDim != keyDim)
                    throw new ArgumentException($"LuongAttention: the dot score needs d_query = d_key, " +
                        $"got {queryDim} and {keyDim}.");
                break;
            case LuongScore.General:
                W = RegisterModule("W", new Linear(keyDim, queryDim, rng, bias: false)); // weight d_query×d_key
                break;
            case LuongScore.Concat:
                W = RegisterModule("W", new Linear(queryDim + keyDim, attentionDim ?? keyDim, rng, bias: false));
                V = RegisterModule("v", new Linear(attentionDim ?? keyDim, 1, rng, bias: false));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(score), score, "LuongAttention: unknown score.");
        }
    }

    /// <summary>The score function.</summary>
    public LuongScore Score { get; }

    /// <summary>d_query.</summary>
    public int QueryDim { get; }

    /// <summary>d_key.</summary>
    public int KeyDim { get; }

    /// <summary>W (General: its weight is the d_query×d_key matrix; Concat: d_att×(d_query+d_key)), or
    /// null for Dot.</summary>
    public Linear? W { get; }

    /// <summary>v (Concat only).</summary>
    public Linear? V { get; }

    /// <summary>
    /// What the scores need from the keys alone, computed once per batch and reused at every decoder step: W_h h
    /// ((B·T)×d_att) for Concat; null for Dot and General (nothing to precompute).
    /// </summary>
    /// <param name="keys">h, (B·T)×d_key.</param>
    public Tensor? ProjectKeys(Tensor keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (Score != LuongScore.Concat) return null;
        if (keys.Cols != KeyDim)
            throw new ArgumentException($"LuongAttention: keys are {keys.Shape}; need {KeyDim} columns.");
        return keys.MatMul(W!.Weight.SliceCols(QueryDim, KeyDim), transposeOther: true);   // W_h h, (B·T)×a
    }

    /// <summary>The scores e_bt = score(s_b, h_bt), B×T, before masking.</summary>
    /// <param name="query">s, B×d_query.</param>
    /// <param name="keys">h, (B·T)×d_key.</param>
    /// <param name="time">T.</param>
    /// <param name="projectedKeys">Concat only: W_h h from <see cref="ProjectKeys"/> if already computed, else it
    /// is computed here.</param>
    public Tensor Scores(Tensor query, Tensor keys, int time, Tensor? projectedKeys = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(keys);
        if (query.Cols != QueryDim || keys.Cols != KeyDim)
            throw new ArgumentException($"LuongAttention: query is {query.Shape} and keys {keys.Shape}; " +
                $"need {QueryDim} and {KeyDim} columns.");
        if (time <= 0 || keys.Rows != query.Rows * time)
            throw new ArgumentException(
                $"LuongAttention: query is {query.Shape} and keys {keys.Shape} with T={time}; need B×d and (B·T)×d.");
        if (Score == LuongScore.Concat)
        {
            projectedKeys ??= ProjectKeys(keys)!;
            if (projectedKeys.Rows != keys.Rows || projectedKeys.Cols != W!.Weight.Rows)
                throw new ArgumentException($"LuongAttention: projected keys are {projectedKeys.Shape}; need " +
                    $"{keys.Rows}×{W!.Weight.Rows} (W_h h for {keys.Shape} keys).");
        }
        if (KernelSwitch.Fused) return FusedScores(query, keys, time, projectedKeys); // the same numbers, fused
        return Score switch
        {
            LuongScore.Dot => Dot(query, keys, time),                                   // sᵀh
            LuongScore.General => Dot(query.MatMul(W!.Weight), keys, time),             // (sᵀW)·h
            _ => ConcatScores(query, projectedKeys!, time),                              // vᵀ tanh(W [s; h])
        };
    }

    /// <summary>e_bt = s_b · h_bt: each sequence's query row times its keys, (1×d)·(d×T).</summary>
    private static Tensor Dot(Tensor query, Tensor keys, int time)
    {
        var rows = new Tensor[query.Rows];
        for (int b = 0; b < rows.Length; b++)
            rows[b] = query.SliceRows(b, 1).MatMul(keys.SliceRows(b * time, time), transposeOther: true);
        return Tensor.ConcatRows(rows);
    }

    /// <summary>e_bt = vᵀ tanh(W [s_b; h_bt]) = vᵀ tanh(W_s s_b + W_h h_bt), W = [W_s | W_h]
    /// split by columns; wh = W_h h, (B·T)×a.</summary>
    private Tensor ConcatScores(Tensor query, Tensor wh, int time)
    {
        var ws = query.MatMul(W!.Weight.SliceCols(0, QueryDim), transposeOther: true);       // W_s s_b, B×a
        var sequenceOfRow = Enumerable.Range(0, wh.Rows).Select(r => r / time).ToArray();
        var hidden = (ws.GatherRows(sequenceOfRow) + wh).Tanh();                             // (B·T)×a
        return hidden.MatMul(V!.Weight, transposeOther: true).Reshape(query.Rows, time);      // B×T
    }

    /// <summary>The same scores, each as one autograd node with a hand-written backward.</summary>
    private Tensor FusedScores(Tensor query, Tensor keys, int time, Tensor? wh) => Score switch
    {
        LuongScore.Dot => RnnAttentionKernels.DotScores(query, keys, time),
        LuongScore.General => RnnAttentionKernels.DotScores(query.MatMul(W!.Weight), keys, time),
        _ => RnnAttentionKernels.AdditiveScores(
            query.MatMul(W!.Weight.SliceCols(0, QueryDim), transposeOther: true), wh!, V!.Weight, time),
    };

    /// <summary>Attends from B queries over their sequences' keys.</summary>
    /// <param name="query">s, B×d_query.</param>
    /// <param name="keys">h, (B·T)×d_key; also the values that are averaged.</param>
    /// <param name="batch">B, T and the lengths (padded keys get weight 0).</param>
    /// <param name="projectedKeys">Concat only: <see cref="ProjectKeys"/> of the keys, if already computed.</param>
    /// <returns>Context B×d_key and weights B×T.</returns>
    public AttentionResult Forward(Tensor query, Tensor keys, SequenceBatch batch, Tensor? projectedKeys = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("LuongAttention", keys, "keys");
        if (query.Rows != batch.Batch)
            throw new ArgumentException($"LuongAttention: query is {query.Shape} but the batch has " +
                $"B={batch.Batch} sequences; need one query row per sequence.");
        return AttentionOps.Attend(Scores(query, keys, batch.Time, projectedKeys), keys, batch);
    }
}
