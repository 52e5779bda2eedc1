using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Attention;

/// <summary>
/// Scaled dot-product attention softmax(Q Kᵀ/√d_k + M) V computed tile by tile with an online softmax
/// (Milakov &amp; Gimelshein 2018; FlashAttention, Dao et al. 2022): the T_q×T_k score matrix is never formed.
/// </summary>
/// <remarks>
/// <para>Queries are cut into tiles of B rows, keys and values into tiles of B rows. For one query tile the state is,
/// per query row, a running maximum m (starts at −∞), a running sum ℓ (starts at 0) and an unnormalised output row O
/// (starts at 0, d_v wide). Each key tile with scores S_blk = Q_tile K_blkᵀ/√d_k + M_blk (B×B) updates it:</para>
/// <code>
///   m' = max(m, rowmax(S_blk))
///   ℓ' = e^(m − m') ℓ + rowsum(e^(S_blk − m'))
///   O' = e^(m − m') O + e^(S_blk − m') V_blk
/// </code>
/// <para>and after the last tile the output is O/ℓ. Multiplying by e^(m − m') re-expresses what was summed against
/// the old maximum against the new one, so the result is exactly softmax(S) V, up to rounding.</para>
/// <para>Backward (FlashAttention's): only the output O and each row's log-sum-exp L = m + log ℓ are kept. Every tile
/// of P = e^(S − L) is recomputed from Q and K, and with D = rowsum(∂O ⊙ O):
/// ∂V_blk += P_blkᵀ ∂O, ∂P_blk = ∂O V_blkᵀ, ∂S_blk = P_blk ⊙ (∂P_blk − D), ∂Q += ∂S_blk K_blk/√d_k,
/// ∂K_blk += ∂S_blkᵀ Q/√d_k. Memory is O(T·d + B²) in both directions, against O(T_q·T_k) for
/// <see cref="ScaledDotProductAttention"/>.</para>
/// <para>Masks: hidden keys (−∞) count as absent; a query whose every key is hidden gets a zero output and zero
/// gradients, as in <see cref="ScaledDotProductAttention"/>. Tiles that a causal mask or key padding hides completely
/// are skipped. No attention dropout, and no weights are returned: they are never all in memory.</para>
/// </remarks>
public static class OnlineSoftmaxAttention
{
    /// <summary>The default tile size B (rows of queries and of keys per tile).</summary>
    public const int DefaultBlockSize = 64;

    private const string Op = "OnlineSoftmaxAttention";

    /// <summary>softmax(Q Kᵀ/√d_k + M) V for one sequence and one head, tile by tile.</summary>
    /// <param name="q">Queries Q, T_q×d_k.</param>
    /// <param name="k">Keys K, T_k×d_k.</param>
    /// <param name="v">Values V, T_k×d_v.</param>
    /// <param name="mask">Optional additive mask M, T_q×T_k or 1×T_k (0 = visible, −∞ = hidden, or a finite bias).
    /// </param>
    /// <param name="causal">Also hide key j from query i when j &gt; i (tiles entirely above the diagonal are
    /// skipped).</param>
    /// <param name="blockSize">B, the tile size, ≥ 1.</param>
    /// <returns>The output, T_q×d_v.</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, Matrix<double>? mask = null, bool causal = false,
        int blockSize = DefaultBlockSize)
    {
        CheckShapes(q, k, v, blockSize);
        return Run(q, k, v, TileMask.From(mask, causal, q.Rows, k.Rows), blockSize);
    }

    /// <summary>
    /// The same for sequence <paramref name="sequence"/> of a batch mask: its causal part, key lengths or padding
    /// flags and additive parts are read tile by tile (no T_q×T_k mask is built).
    /// </summary>
    /// <param name="q">Queries Q, T_q×d_k.</param>
    /// <param name="k">Keys K, T_k×d_k.</param>
    /// <param name="v">Values V, T_k×d_v.</param>
    /// <param name="mask">The batch's mask, or null.</param>
    /// <param name="batch">B, the number of sequences the mask describes.</param>
    /// <param name="sequence">b, which sequence of the batch q, k and v are.</param>
    /// <param name="blockSize">The tile size, ≥ 1.</param>
    /// <returns>The output, T_q×d_v.</returns>
    public static Tensor Forward(Tensor q, Tensor k, Tensor v, AttentionMask? mask, int batch, int sequence,
        int blockSize = DefaultBlockSize)
    {
        CheckShapes(q, k, v, blockSize);
        if (sequence < 0 || sequence >= batch)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence,
                $"{Op}: sequence {sequence} is outside a batch of {batch}.");
        mask?.Validate(Op, batch, q.Rows, k.Rows);
        return Run(q, k, v, TileMask.From(mask, sequence, q.Rows, k.Rows), blockSize);
    }

    private static void CheckShapes(Tensor q, Tensor k, Tensor v, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Cols != k.Cols || k.Rows != v.Rows)
            throw new ArgumentException($"{Op}: Q is {q.Shape}, K is {k.Shape}, V is {v.Shape}; Q and K need the " +
                "same d_k and K and V the same number of rows.");
        if (blockSize < 1)
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize,
                $"{Op}: the block size must be at least 1.");
    }

    private static Tensor Run(Tensor q, Tensor k, Tensor v, TileMask mask, int blockSize)
    {
        int tq = q.Rows, tk = k.Rows, dv = v.Cols;
        double scale = 1.0 / Math.Sqrt(q.Cols);
        var output = new DenseMatrix(tq, dv);
        var lse = new double[tq];                        // L_i = m_i + log ℓ_i, kept for the backward
        var tiles = new Tiles(q.Data, k.Data, v.Data);
        for (int i0 = 0; i0 < tq; i0 += blockSize)
        {
            int bq = Math.Min(blockSize, tq - i0);
            var qi = tiles.Queries(i0, bq);                  // bq×d_k
            var o = tiles.Get("O", bq, dv);                  // running, unnormalised output
            o.Clear();
            var m = new double[bq];
            var l = new double[bq];
            Array.Fill(m, double.NegativeInfinity);
            for (int j0 = 0; j0 < tk; j0 += blockSize)
            {
                int bk = Math.Min(blockSize, tk - j0);
                if (mask.HidesTile(i0, bq, j0, bk)) continue;
                var s = tiles.Scores(qi, i0, j0, bk, scale, mask);   // S_blk, bq×bk
                for (int r = 0; r < bq; r++)
                {
                    double mNew = Math.Max(m[r], RowMax(s, r));       // m' = max(m, rowmax(S_blk))
                    double alpha = double.IsNegativeInfinity(mNew) ? 1.0 : Math.Exp(m[r] - mNew);  // e^(m − m')
                    double sum = 0;
                    for (int c = 0; c < bk; c++)
                    {
                        double p = double.IsNegativeInfinity(mNew) ? 0.0 : Math.Exp(s[r, c] - mNew); // e^(S − m')
                        s[r, c] = p;
                        sum += p;
                    }
                    l[r] = alpha * l[r] + sum;                        // ℓ' = e^(m − m') ℓ + Σ e^(S − m')
                    for (int c = 0; c < dv; c++) o[r, c] *= alpha;
                    m[r] = mNew;
                }
                FastGemm.Multiply(false, false, 1.0, s, tiles.Values(j0, bk), 1.0, o); // O' = e^(m−m') O + P̃ V_blk
            }
            for (int r = 0; r < bq; r++)
            {
                bool none = l[r] == 0;                               // every key hidden: zero output
                for (int c = 0; c < dv; c++) output[i0 + r, c] = none ? 0.0 : o[r, c] / l[r];  // O / ℓ
                lse[i0 + r] = none ? double.NegativeInfinity : m[r] + Math.Log(l[r]);
            }
        }
        return Tensor.FromOp(output, Op, Distinct(q, k, v),
            g => Backward(q, k, v, output, lse, g, mask, blockSize, scale));
    }

    /// <summary>FlashAttention's backward: every tile of P recomputed from Q, K and the saved log-sum-exp.</summary>
    private static void Backward(Tensor q, Tensor k, Tensor v, Matrix<double> output, double[] lse,
        Matrix<double> dOut, TileMask mask, int blockSize, double scale)
    {
        int tq = q.Rows, tk = k.Rows, dk = q.Cols, dv = v.Cols;
        var dq = new DenseMatrix(tq, dk);
        var dKey = new DenseMatrix(tk, dk);
        var dValue = new DenseMatrix(tk, dv);
        var tiles = new Tiles(q.Data, k.Data, v.Data);
        var dOutTiles = new Tiles(dOut, dOut, dOut);
        for (int i0 = 0; i0 < tq; i0 += blockSize)
        {
            int bq = Math.Min(blockSize, tq - i0);
            var qi = tiles.Queries(i0, bq);
            var dOi = dOutTiles.Queries(i0, bq);                                // ∂O_tile, bq×d_v
            var d = new double[bq];                                             // D = rowsum(∂O ⊙ O)
            for (int r = 0; r < bq; r++)
                for (int c = 0; c < dv; c++) d[r] += dOi[r, c] * output[i0 + r, c];
            var dQi = tiles.Get("dQ", bq, dk);
            dQi.Clear();
            for (int j0 = 0; j0 < tk; j0 += blockSize)
            {
                int bk = Math.Min(blockSize, tk - j0);
                if (mask.HidesTile(i0, bq, j0, bk)) continue;
                var p = tiles.Scores(qi, i0, j0, bk, scale, mask);            // S_blk, then P_blk in place
                for (int r = 0; r < bq; r++)
                {
                    double lr = lse[i0 + r];
                    for (int c = 0; c < bk; c++)
                        p[r, c] = double.IsNegativeInfinity(lr) ? 0.0 : Math.Exp(p[r, c] - lr);  // P = e^(S − L)
                }
                var dVj = tiles.Get("dV", bk, dv);
                FastGemm.Multiply(true, false, 1.0, p, dOi, 0.0, dVj);            // P_blkᵀ ∂O
                AddRows(dValue, j0, dVj);
                var dp = tiles.Get("dP", bq, bk);
                FastGemm.Multiply(false, true, 1.0, dOi, tiles.Values(j0, bk), 0.0, dp);  // ∂P = ∂O V_blkᵀ
                for (int r = 0; r < bq; r++)
                    for (int c = 0; c < bk; c++) dp[r, c] = p[r, c] * (dp[r, c] - d[r]);  // ∂S = P ⊙ (∂P − D)
                FastGemm.Multiply(false, false, scale, dp, tiles.Keys(j0, bk), 1.0, dQi);  // ∂Q += ∂S K/√d_k
                var dKj = tiles.Get("dK", bk, dk);
                FastGemm.Multiply(true, false, scale, dp, qi, 0.0, dKj);                    // ∂Sᵀ Q/√d_k
                AddRows(dKey, j0, dKj);
            }
            AddRows(dq, i0, dQi);
        }
        if (q.RequiresGrad) AddRows(q.GradBuffer(), 0, dq);
        if (k.RequiresGrad) AddRows(k.GradBuffer(), 0, dKey);
        if (v.RequiresGrad) AddRows(v.GradBuffer(), 0, dValue);
    }

    private static double RowMax(Matrix<double> s, int r)
    {
        double max = double.NegativeInfinity;
        for (int c = 0; c < s.ColumnCount; c++) max = Math.Max(max, s[r, c]);
        return max;
    }

    /// <summary>target[row0 + r, c] += block[r, c].</summary>
    private static void AddRows(Matrix<double> target, int row0, Matrix<double> block)
    {
        for (int c = 0; c < block.ColumnCount; c++)
            for (int r = 0; r < block.RowCount; r++) target[row0 + r, c] += block[r, c];
    }

    private static Tensor[] Distinct(Tensor q, Tensor k, Tensor v)
    {
        var list = new List<Tensor> { q };
        if (!ReferenceEquals(k, q)) list.Add(k);
        if (!ReferenceEquals(v, q) && !ReferenceEquals(v, k)) list.Add(v);
        return list.ToArray();
    }

    /// <summary>
    /// Tiles of Q, K and V copied into reused buffers, one per (name, rows, cols): memory stays O(B² + B·d) however
    /// long the sequences.
    /// </summary>
    private sealed class Tiles(Matrix<double> q, Matrix<double> k, Matrix<double> v)
    {
        private readonly Dictionary<(string, int, int), DenseMatrix> _buffers = [];

        public DenseMatrix Get(string name, int rows, int cols)
        {
            if (!_buffers.TryGetValue((name, rows, cols), out var m))
                _buffers[(name, rows, cols)] = m = new DenseMatrix(rows, cols);
            return m;
        }

        public DenseMatrix Queries(int i0, int rows) => Copy("Q", q, i0, rows);

        public DenseMatrix Keys(int j0, int rows) => Copy("K", k, j0, rows);

        public DenseMatrix Values(int j0, int rows) => Copy("V", v, j0, rows);

        /// <summary>S_blk = Q_tile K_blkᵀ·scale + M_blk, bq×bk; refuses NaN and +∞ scores.</summary>
        public DenseMatrix Scores(DenseMatrix qi, int i0, int j0, int bk, double scale, TileMask mask)
        {
            var s = Get("S", qi.RowCount, bk);
            FastGemm.Multiply(false, true, scale, qi, Keys(j0, bk), 0.0, s);
            mask.AddTo(s, i0, j0);
            foreach (var x in s.Values)
            {
                if (double.IsNaN(x) || double.IsPositiveInfinity(x))
                    throw new ArgumentException($"{Op}: a score in the tile at query {i0}, key {j0} is {x}; Q, K and " +
                        "the mask must be finite (−∞ only in the mask).");
            }
            return s;
        }

        private DenseMatrix Copy(string name, Matrix<double> source, int row0, int rows)
        {
            var tile = Get(name, rows, source.ColumnCount);
            source.Storage.CopySubMatrixTo(tile.Storage, row0, 0, rows, 0, 0, source.ColumnCount);
            return tile;
        }
    }

    /// <summary>
    /// The mask of one sequence, read tile by tile: causal, hidden keys (lengths or padding flags) and up to two
    /// additive matrices (T_q×T_k or 1×T_k, and rows [row0, row0 + T_q) of a per-sequence one).
    /// </summary>
    private sealed class TileMask
    {
        private bool _causal;
        private bool[]? _hiddenKey;
        private Matrix<double>? _additive;
        private Matrix<double>? _perSequence;
        private int _perSequenceRow0;

        public static TileMask From(Matrix<double>? mask, bool causal, int tq, int tk)
        {
            if (mask is not null)
            {
                if (mask.ColumnCount != tk || mask.RowCount != tq && mask.RowCount != 1)
                    throw new ArgumentException($"{Op}: the mask is {mask.RowCount}×{mask.ColumnCount}; it must be " +
                        $"T_q×T_k = {tq}×{tk} or 1×{tk}.");
                foreach (var x in mask.Enumerate())
                {
                    if (double.IsNaN(x) || double.IsPositiveInfinity(x))
                        throw new ArgumentException($"{Op}: the mask contains {x}; use 0 (visible), −∞ (hidden) or " +
                            "a finite bias.");
                }
            }
            return new TileMask { _causal = causal, _additive = mask };
        }

        public static TileMask From(AttentionMask? mask, int b, int tq, int tk)
        {
            if (mask is null) return new TileMask();
            var hidden = new bool[tk];
            int length = mask.KeyLengths?[b] ?? tk;
            for (int j = 0; j < tk; j++) hidden[j] = j >= length || (mask.KeyPadding?[b, j] ?? false);
            return new TileMask
            {
                _causal = mask.Causal, _hiddenKey = hidden, _additive = mask.Additive,
                _perSequence = mask.PerSequence, _perSequenceRow0 = b * tq,
            };
        }

        /// <summary>Whether every entry of the tile (queries [i0, i0+bq), keys [j0, j0+bk)) is hidden by the causal
        /// mask or by hidden keys, so that it adds nothing and can be skipped.</summary>
        public bool HidesTile(int i0, int bq, int j0, int bk)
        {
            if (_causal && j0 > i0 + bq - 1) return true;
            if (_hiddenKey is null) return false;
            for (int j = j0; j < j0 + bk; j++) if (!_hiddenKey[j]) return false;
            return true;
        }

        /// <summary>s[r, c] += M[i0 + r, j0 + c].</summary>
        public void AddTo(Matrix<double> s, int i0, int j0)
        {
            for (int c = 0; c < s.ColumnCount; c++)
            {
                int j = j0 + c;
                for (int r = 0; r < s.RowCount; r++)
                {
                    int i = i0 + r;
                    if ((_causal && j > i) || (_hiddenKey?[j] ?? false)) s[r, c] = double.NegativeInfinity;
                    else
                    {
                        if (_additive is not null) s[r, c] += _additive[_additive.RowCount == 1 ? 0 : i, j];
                        if (_perSequence is not null) s[r, c] += _perSequence[_perSequenceRow0 + i, j];
                    }
                }
            }
        }
    }
}
