using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Attention;

/// <summary>
/// Multi-head attention (Vaswani et al. 2017, §3.2.2), laid out as PyTorch's <c>nn.MultiheadAttention</c>:
/// MultiHead(Q, K, V) = Concat(head_1, …, head_h) W^O + b^O, with head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V)
/// and d_k = d_v = d_model / h. With g &lt; h key/value heads (grouped-query attention, Ainslie et al. 2023; g = 1
/// is multi-query attention, Shazeer 2019) query head i uses key/value head i / (h/g).
/// </summary>
/// <remarks>
/// <para>Parameters (PyTorch state-dict names and shapes): <c>in_proj_weight</c> [3·d_model, d_model] — the rows of
/// W^Q, W^K, W^V stacked, each head's d_k rows consecutive — <c>in_proj_bias</c> [3·d_model], and the output
/// projection <c>out_proj.weight</c> [d_model, d_model], <c>out_proj.bias</c> [d_model]. With g key/value heads
/// W^K and W^V have g·d_k rows each: <c>in_proj_weight</c> is [d_model + 2·g·d_k, d_model], rows [0, d_model) W^Q,
/// then W^K, then W^V; the layer has d_model·(d_model + 2·g·d_k) + d_model² weights (plus d_model + 2·g·d_k +
/// d_model biases).</para>
/// <para>Projected keys and values are (B·T_k)×(g·d_k): row b·T_k + t, key/value head j in columns
/// [j·d_k, (j+1)·d_k) — the layout a KV cache stores, g/h the size of standard attention's.</para>
/// <para>Projecting with one big matrix and then splitting columns into h blocks of d_k is the same as h separate
/// d_model×d_k projections: the cost of h heads equals the cost of one head of size d_model.</para>
/// <para>Inputs use the batch layout of <see cref="SequenceBatch"/>: queries (B·T_q)×d_model, keys and values
/// (B·T_k)×d_model. After every call, <see cref="LastWeights"/> holds the B×h×T_q×T_k weights.</para>
/// </remarks>
public sealed class MultiHeadAttention : Module
{
    /// <summary>Creates the layer with PyTorch's initialisation (Xavier-uniform in_proj_weight, zero biases).</summary>
    /// <param name="dModel">d_model, the size of every input and output row.</param>
    /// <param name="heads">h; must divide d_model.</param>
    /// <param name="rng">The random source for the initial weights.</param>
    /// <param name="dropout">Dropout probability on the attention weights (training mode only).</param>
    /// <param name="bias">Whether the projections have biases.</param>
    /// <param name="rotary">Optional rotary position embedding applied to every head's queries and keys (RoPE).</param>
    /// <param name="kvHeads">g, the number of key/value heads; must divide h. Null or h: standard multi-head
    /// attention; 1: multi-query attention.</param>
    public MultiHeadAttention(int dModel, int heads, Rng rng, double dropout = 0.0, bool bias = true,
        RotaryEmbedding? rotary = null, int? kvHeads = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (dModel <= 0 || heads <= 0 || dModel % heads != 0)
            throw new ArgumentException($"MultiHeadAttention: d_model={dModel} must be a positive multiple of " +
                $"h={heads}.");
        if (dropout < 0 || dropout >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "MultiHeadAttention: dropout must be in " +
                "[0, 1).");
        if (rotary is not null && rotary.Dim != dModel / heads)
            throw new ArgumentException($"MultiHeadAttention: the rotary embedding is for d={rotary.Dim} but d_k = " +
                $"{dModel}/{heads} = {dModel / heads}.");
        int g = kvHeads ?? heads;
        if (g <= 0 || heads % g != 0)
            throw new ArgumentException($"MultiHeadAttention: g={g} key/value heads must divide h={heads} query " +
                "heads (g = h: standard attention; g = 1: multi-query).");
        DModel = dModel;
        Heads = heads;
        KvHeads = g;
        DropoutP = dropout;
        Rotary = rotary;
        _rng = rng.Fork();
        int rows = dModel + 2 * KvDim;                    // [W^Q; W^K; W^V], d_model + 2·g·d_k rows
        InProjWeight = RegisterParameter("in_proj_weight", Init.XavierUniform(rows, dModel, rng));
        if (bias) InProjBias = RegisterParameter("in_proj_bias", Init.Zeros(1, rows), rows);
        OutProj = RegisterModule("out_proj", new Linear(dModel, dModel, rng, bias));
        if (OutProj.Bias is not null) OutProj.Bias.Data.Clear();
    }

    private readonly Rng _rng;

    /// <summary>d_model.</summary>
    public int DModel { get; }

    /// <summary>h, the number of heads.</summary>
    public int Heads { get; }

    /// <summary>g, the number of key/value heads (h for standard attention, 1 for multi-query attention).</summary>
    public int KvHeads { get; }

    /// <summary>d_k = d_v = d_model / h, the width of each head.</summary>
    public int DK => DModel / Heads;

    /// <summary>g·d_k, the width of the projected keys (and values).</summary>
    public int KvDim => KvHeads * DK;

    /// <summary>The dropout probability on attention weights.</summary>
    public double DropoutP { get; }

    /// <summary>The rotary position embedding applied to queries and keys, or null.</summary>
    public RotaryEmbedding? Rotary { get; }

    /// <summary>[W^Q; W^K; W^V], (d_model + 2·g·d_k)×d_model (<c>in_proj_weight</c>).</summary>
    public Tensor InProjWeight { get; }

    /// <summary>[b^Q, b^K, b^V], 1×(d_model + 2·g·d_k) (<c>in_proj_bias</c>), or null without biases.</summary>
    public Tensor? InProjBias { get; }

    /// <summary>The output projection W^O (<c>out_proj</c>), d_model→d_model.</summary>
    public Linear OutProj { get; }

    /// <summary>
    /// Null (the default): attention as <see cref="ScaledDotProductAttention"/> (or its fused kernel). A tile size B:
    /// every sequence and head runs <see cref="OnlineSoftmaxAttention"/> with B×B tiles instead — the same numbers
    /// (to ~1e-12) without any T_q×T_k matrix; then <see cref="LastWeights"/> stays null, and attention dropout is not
    /// available (training with p &gt; 0 throws).
    /// </summary>
    public int? OnlineBlockSize
    {
        get => _onlineBlockSize;
        set => _onlineBlockSize = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(
            nameof(value), value, "MultiHeadAttention: the online-softmax block size must be at least 1.");
    }

    private int? _onlineBlockSize;

    /// <summary>The attention weights of the last call: B×h×T_q×T_k (null before the first call).</summary>
    public AttentionWeights? LastWeights { get; internal set; }

    /// <summary>The random source of attention dropout while training with p &gt; 0; else null (no dropout).</summary>
    internal Rng? DropoutRng => Training && DropoutP > 0 ? _rng : null;

    /// <summary>
    /// Self-attention: every position of each sequence attends to the (non-padding) positions of the same sequence.
    /// </summary>
    /// <param name="x">(B·T)×d_model.</param>
    /// <param name="batch">B, T and the lengths; padded keys are hidden.</param>
    /// <param name="causal">Also hide later positions (decoder self-attention).</param>
    /// <returns>(B·T)×d_model.</returns>
    public Tensor SelfAttention(Tensor x, SequenceBatch batch, bool causal = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.CheckRows("MultiHeadAttention", x, "x");
        return Forward(x, x, x, batch.Batch, AttentionMask.ForKeys(batch, causal));
    }

    /// <summary>
    /// Cross-attention: the queries come from <paramref name="x"/> (e.g. the decoder), keys and values from
    /// <paramref name="memory"/> (e.g. the encoder output), whose padding is hidden.
    /// </summary>
    /// <param name="x">(B·T_q)×d_model.</param>
    /// <param name="memory">(B·T_k)×d_model.</param>
    /// <param name="memoryBatch">B, T_k and the memory's lengths.</param>
    /// <returns>(B·T_q)×d_model.</returns>
    public Tensor CrossAttention(Tensor x, Tensor memory, SequenceBatch memoryBatch)
    {
        ArgumentNullException.ThrowIfNull(memoryBatch);
        memoryBatch.CheckRows("MultiHeadAttention", memory, "memory");
        return Forward(x, memory, memory, memoryBatch.Batch, AttentionMask.ForKeys(memoryBatch));
    }

    /// <summary>
    /// The general form, as PyTorch's <c>forward(query, key, value, key_padding_mask, attn_mask)</c>:
    /// Q = query·W^Qᵀ + b^Q, K = key·W^Kᵀ + b^K, V = value·W^Vᵀ + b^V, then attention per sequence and head,
    /// then the output projection.
    /// </summary>
    /// <param name="query">(B·T_q)×d_model.</param>
    /// <param name="key">(B·T_k)×d_model.</param>
    /// <param name="value">(B·T_k)×d_model.</param>
    /// <param name="batch">B.</param>
    /// <param name="mask">Which keys each query may see, or null for all.</param>
    /// <returns>(B·T_q)×d_model; the weights are in <see cref="LastWeights"/>.</returns>
    public Tensor Forward(Tensor query, Tensor key, Tensor value, int batch, AttentionMask? mask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        int d = DModel;
        foreach (var (t, name) in new[] { (query, "query"), (key, "key"), (value, "value") })
        {
            if (t.Cols != d)
                throw new ArgumentException($"MultiHeadAttention: {name} is {t.Shape} but d_model is {d}.");
        }
        if (batch <= 0 || query.Rows % batch != 0 || key.Rows % batch != 0 || value.Rows != key.Rows)
            throw new ArgumentException(
                $"MultiHeadAttention: query is {query.Shape}, key is {key.Shape}, value is {value.Shape}; with " +
                    $"B={batch} each needs a multiple of B rows and key and value the same rows.");

        // Concat(head_1, …, head_h): the paper's steps, or the same numbers from one fused kernel (Attention/Kernels).
        // With OnlineBlockSize set, the paper's steps with tiled online-softmax attention per sequence and head.
        var heads = KernelSwitch.Fused && OnlineBlockSize is null
            ? FusedAttention.ConcatHeads(this, query, key, value, batch, mask)
            : ConcatHeads(query, key, value, batch, mask);
        return OutProj.Forward(heads);                   // MultiHead = Concat(head_1, …, head_h) W^O + b^O
    }

    /// <summary>
    /// Concat(head_1, …, head_h) for every sequence, step by step as in the paper: project Q, K, V; split each
    /// sequence and head out; head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V) by
    /// <see cref="ScaledDotProductAttention"/>; concatenate the heads. Shapes: query (B·T_q)×d_model, key and value
    /// (B·T_k)×d_model; result (B·T_q)×d_model.
    /// </summary>
    private Tensor ConcatHeads(Tensor query, Tensor key, Tensor value, int batch, AttentionMask? mask)
    {
        int tq = query.Rows / batch, tk = key.Rows / batch;
        mask?.Validate("MultiHeadAttention", batch, tq, tk);
        if (mask is { IsEmpty: true }) mask = null;
        // 1) Project: Q = query·W^Qᵀ + b^Q, K = key·W^Kᵀ + b^K, V = value·W^Vᵀ + b^V.
        var q = Project(query, 0);
        var k = Project(key, 1);
        var v = Project(value, 2);
        if (Rotary is not null) (q, k) = (Rotary.Apply(q, tq, Heads), Rotary.Apply(k, tk, KvHeads));

        var rng = DropoutRng;
        if (OnlineBlockSize is not null && rng is not null)
            throw new InvalidOperationException("MultiHeadAttention: online-softmax attention has no attention " +
                $"dropout; set OnlineBlockSize to null to train with p={DropoutP}, or call Eval().");
        var sequences = new Tensor[batch];
        var weights = new double[batch * Heads][];
        for (int b = 0; b < batch; b++)
        {
            var m = OnlineBlockSize is null ? mask?.ForSequence(b, tq, tk) : null;
            var heads = new Tensor[Heads];
            for (int h = 0; h < Heads; h++)
            {
                // 2) Split: head h of sequence b is rows [b·T, (b+1)·T) and columns [h·d_k, (h+1)·d_k); it shares
                //    key/value head j = h / (h/g) with the other heads of its group.
                int j = KvHeadOf(h);
                var qh = q.SliceRows(b * tq, tq).SliceCols(h * DK, DK);
                var kh = k.SliceRows(b * tk, tk).SliceCols(j * DK, DK);
                var vh = v.SliceRows(b * tk, tk).SliceCols(j * DK, DK);
                // 3) head_h = softmax(Q_h K_hᵀ / √d_k + M) V_h, T_q×d_k.
                if (OnlineBlockSize is int block)
                {
                    heads[h] = OnlineSoftmaxAttention.Forward(qh, kh, vh, mask, batch, b, block);
                    continue;
                }
                var attention = ScaledDotProductAttention.Forward(qh, kh, vh, m, DropoutP, rng);
                heads[h] = attention.Output;
                weights[b * Heads + h] = attention.Weights.Data.ToRowMajorArray();
            }
            // 4) Concat(head_1, …, head_h), T_q×d_model.
            sequences[b] = Tensor.ConcatCols(heads);
        }
        LastWeights = OnlineBlockSize is null ? new AttentionWeights(batch, Heads, tq, tk, weights) : null;
        return Tensor.ConcatRows(sequences);
    }

    /// <summary>The key/value head that query head <paramref name="head"/> uses: head / (h/g).</summary>
    public int KvHeadOf(int head) => head / (Heads / KvHeads);

    /// <summary>x·W_iᵀ + b_i, with W_i and b_i block <paramref name="i"/> (0 = Q, 1 = K, 2 = V) of in_proj: d_model
    /// rows for Q, g·d_k for K and V.</summary>
    private Tensor Project(Tensor x, int i)
    {
        int start = i == 0 ? 0 : DModel + (i - 1) * KvDim, count = i == 0 ? DModel : KvDim;
        var y = x.MatMul(InProjWeight.SliceRows(start, count), transposeOther: true);
        return InProjBias is null ? y : y + InProjBias.SliceCols(start, count);
    }
}
