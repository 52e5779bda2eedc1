using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Attention;

/// <summary>
/// Additive attention (Bahdanau, Cho &amp; Bengio 2015): the decoder state s_{i−1} scores every encoder state h_j with
/// a small one-hidden-layer network, e_ij = vᵀ tanh(W s_{i−1} + U h_j); the weights a_ij = softmax_j(e_ij) are ≥ 0 and
/// sum to 1; the context is c_i = Σ_j a_ij h_j.
/// </summary>
/// <remarks>
/// <para>Parameters (no biases, as in the paper): <c>W.weight</c> [d_att, d_query], <c>U.weight</c> [d_att, d_key],
/// <c>v.weight</c> [1, d_att].</para>
/// <para>Batched: B decoder states at once, a B×d_query tensor, against the (B·T)×d_key encoder states of B padded
/// sequences (layout of <see cref="SequenceBatch"/>); padded positions get weight 0. U h does not depend on the decoder
/// step, so compute it once per batch with <see cref="ProjectKeys"/> and pass it to every step.</para>
/// </remarks>
public sealed class AdditiveAttention : Module
{
    /// <summary>Creates the layer (PyTorch's default Linear initialisation).</summary>
    /// <param name="queryDim">d_query, the size of the decoder state s.</param>
    /// <param name="keyDim">d_key, the size of an encoder state h (2·hidden for a bidirectional encoder).</param>
    /// <param name="attentionDim">d_att, the size of the hidden layer of the scoring network.</param>
    /// <param name="rng">The random source for the initial weights.</param>
    public AdditiveAttention(int queryDim, int keyDim, int attentionDim, Rng rng)
    {
        W = RegisterModule("W", new Linear(queryDim, attentionDim, rng, bias: false));
        U = RegisterModule("U", new Linear(keyDim, attentionDim, rng, bias: false));
        V = RegisterModule("v", new Linear(attentionDim, 1, rng, bias: false));
    }

    /// <summary>W, d_query → d_att.</summary>
    public Linear W { get; }

    /// <summary>U, d_key → d_att.</summary>
    public Linear U { get; }

    /// <summary>v, d_att → 1 (its weight is the row vector vᵀ).</summary>
    public Linear V { get; }

    /// <summary>U h for every encoder state: (B·T)×d_key → (B·T)×d_att. Reuse it for every decoder step.</summary>
    public Tensor ProjectKeys(Tensor keys) => U.Forward(keys);

    /// <summary>The scores e_bt = vᵀ tanh(W s_b + U h_bt), B×T, before masking.</summary>
    /// <param name="query">s, B×d_query.</param>
    /// <param name="projectedKeys">U h from <see cref="ProjectKeys"/>, (B·T)×d_att.</param>
    /// <param name="time">T.</param>
    public Tensor Scores(Tensor query, Tensor projectedKeys, int time)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(projectedKeys);
        var ws = W.Forward(query);                                                      // W s_b, B×d_att
        if (KernelSwitch.Fused)
            return RnnAttentionKernels.AdditiveScores(ws, projectedKeys, V.Weight, time); // one node
        if (time <= 0 || projectedKeys.Rows != ws.Rows * time || projectedKeys.Cols != ws.Cols)
            throw new ArgumentException(
                $"AdditiveScores: projected queries are {ws.Shape}, projected keys {projectedKeys.Shape} " +
                $"with T={time}; need B×a and (B·T)×a.");
        var sequenceOfRow = Enumerable.Range(0, projectedKeys.Rows).Select(r => r / time).ToArray();
        var hidden = (ws.GatherRows(sequenceOfRow) + projectedKeys).Tanh();           // tanh(W s_b + U h_bt), (B·T)×a
        return V.Forward(hidden).Reshape(ws.Rows, time);                               // vᵀ tanh(…), B×T
    }

    /// <summary>Attends from B queries over their sequences' keys.</summary>
    /// <param name="query">s, B×d_query.</param>
    /// <param name="keys">h, (B·T)×d_key; also the values that are averaged.</param>
    /// <param name="batch">B, T and the lengths (padded keys get weight 0).</param>
    /// <param name="projectedKeys">U h if already computed (from <see cref="ProjectKeys"/>), else it
    /// is computed here.</param>
    /// <returns>Context B×d_key and weights B×T.</returns>
    public AttentionResult Forward(Tensor query, Tensor keys, SequenceBatch batch, Tensor? projectedKeys = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("AdditiveAttention", keys, "keys");
        if (query.Rows != batch.Batch)
            throw new ArgumentException($"AdditiveAttention: query is {query.Shape} but the batch has " +
                $"B={batch.Batch} sequences; need one query row per sequence.");
        var scores = Scores(query, projectedKeys ?? ProjectKeys(keys), batch.Time);
        return AttentionOps.Attend(scores, keys, batch);
    }
}
