using TransformerCourse.Autograd;

namespace TransformerCourse.Autograd.Kernels;

/// <summary>
/// Scaled dot-product attention for a whole batch and every head in ONE autograd operation:
/// for each sequence b and head h, O_bh = P_bh V_bh with P_bh = softmax(Q_bh K_bhᵀ · s + M_b) and s = 1/√d_k.
/// </summary>
/// <remarks>
/// <para>Layout (see <c>Attention/SequenceBatch.cs</c>): Q is (B·T_q)×(h·d_k), K is (B·T_k)×(h·d_k),
/// V is (B·T_k)×(h·d_v);
/// Q_bh is rows [b·T_q, (b+1)·T_q) and columns [h·d_k, (h+1)·d_k) of Q, and so on. The output O is
/// (B·T_q)×(h·d_v), O_bh in the same place, i.e. the heads already concatenated.</para>
/// <para>It computes exactly what <c>ScaledDotProductAttention</c> computes, once per (b, h), but as one
/// node with a hand-written backward instead of ~10 graph nodes per (b, h). With S = Q Kᵀ·s, P = softmax(S + M), O
/// = P V: ∂V = Pᵀ ∂O;  ∂P = ∂O Vᵀ;  ∂S = P ⊙ (∂P − rowsum(∂P ⊙ P));  ∂Q = s·∂S K;  ∂K = s·∂Sᵀ Q.
/// With attention dropout (mask D, entries 0 or 1/(1−p)), O = (P ⊙ D) V and ∂P is multiplied by D.</para>
/// <para>Each (b, h) block is independent, so blocks run in parallel on all cores; each block's products go through
/// MathNet's linear-algebra provider (native BLAS when one is active).</para>
/// </remarks>
internal static class AttentionKernel
{
    /// <summary>
    /// Q, K and V are column ranges of possibly the same tensor (e.g. a packed (B·T)×3d projection [Q | K | V]),
    /// starting at columns qCol, kCol, vCol, with h heads of d_k (Q, K) and d_v (V) columns each; B sequences.
    /// <c>masks[b]</c> is sequence b's additive T_q×T_k mask (row-major), null where nothing is hidden (masks null:
    /// no mask at all); <c>Attention/FusedAttention.cs</c> builds them from an AttentionMask. Scale s defaults to
    /// 1/√d_k; attention dropout p applies only when rng is given. Returns the output (B·T_q)×(h·d_v) and, for each
    /// block b·h + h, the weights Pᵀ (T_k×T_q, column-major).
    /// </summary>
    internal static (Tensor Output, double[][] Probabilities) Forward(Tensor q, int qCol, Tensor k, int kCol,
        Tensor v, int vCol, int heads, int dk, int dv, int batch, double[]?[]? masks, double? scale, double dropout,
        Rng? rng)
    {
        const string op = "FusedAttention";
        if (batch <= 0 || q.Rows % batch != 0 || k.Rows % batch != 0 || v.Rows != k.Rows)
            throw new ArgumentException(
                $"{op}: Q is {q.Shape}, K is {k.Shape}, V is {v.Shape}; with B={batch} sequences Q and K need a " +
                    "multiple of B rows and V as many rows as K.");
        if (qCol + heads * dk > q.Cols || kCol + heads * dk > k.Cols || vCol + heads * dv > v.Cols)
            throw new ArgumentException($"{op}: h={heads} heads of d_k={dk}, d_v={dv} do not fit Q {q.Shape}, K " +
                $"{k.Shape}, V {v.Shape}.");
        if (dropout < 0 || dropout >= 1 || double.IsNaN(dropout))
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, $"{op}: dropout must be in [0, 1).");
        int tq = q.Rows / batch, tk = k.Rows / batch;
        double s = scale ?? 1.0 / Math.Sqrt(dk);
        bool useDropout = dropout > 0 && rng is not null;

        var plan = new Plan(q, qCol, k, kCol, v, vCol, heads, dk, dv, batch, tq, tk);
        int blocks = batch * heads;

        // Dropout keep-factors, drawn in a fixed order on this thread so that results do not depend on scheduling.
        double[][]? keep = null;
        if (useDropout)
        {
            keep = new double[blocks][];
            double factor = 1.0 / (1.0 - dropout);
            for (int blk = 0; blk < blocks; blk++)
            {
                var d = new double[tq * tk];
                for (int x = 0; x < d.Length; x++) d[x] = rng!.NextDouble() < dropout ? 0.0 : factor;
                keep[blk] = d;
            }
        }

        // P_bh is stored as Pᵀ (T_k×T_q, column-major), i.e. P row-major: column i holds query i's weights.
        var probs = new double[blocks][];
        var dropped = useDropout ? new double[blocks][] : null;
        var output = new double[q.Rows * heads * dv];

        plan.ForEachBlock((blk, w) =>
        {
            int b = blk / heads, h = blk % heads;
            plan.PackQ(b, h, w.Q);
            plan.PackK(b, h, w.K);
            plan.PackV(b, h, w.V);
            // Sᵀ = s·K Qᵀ (T_k×T_q), then a softmax down each column.
            var pt = new double[tk * tq];
            FastGemm.Multiply(false, true, s, w.K, tk, dk, w.Q, tq, dk, 0.0, pt);
            SoftmaxColumns(pt, tk, tq, masks?[b]);
            probs[blk] = pt;
            var used = pt;
            if (keep is not null)
            {
                var kb = keep[blk];
                used = new double[pt.Length];
                for (int x = 0; x < used.Length; x++) used[x] = pt[x] * kb[x];
                dropped![blk] = used;
            }
            // O = P V = (Pᵀ)ᵀ V (T_q×d_v).
            FastGemm.Multiply(true, false, 1.0, used, tk, tq, w.V, tk, dv, 0.0, w.O);
            Plan.Unpack(b, h, w.O, output, q.Rows, 0, dv, tq, accumulate: false);
        });

        var result = Tensor.FromOp(Shapes.Wrap(q.Rows, heads * dv, output), "FusedAttention", Distinct(q, k, v), g =>
        {
            var gv = Shapes.Values(g);
            // Create gradient buffers here, on one thread, before blocks add into them.
            var dq = q.RequiresGrad ? Shapes.Values(q.GradBuffer()) : null;
            var dkBuf = k.RequiresGrad ? Shapes.Values(k.GradBuffer()) : null;
            var dvBuf = v.RequiresGrad ? Shapes.Values(v.GradBuffer()) : null;
            plan.ForEachBlock((blk, w) =>
            {
                int b = blk / heads, h = blk % heads;
                var pt = probs[blk];
                var used = dropped?[blk] ?? pt;
                plan.PackQ(b, h, w.Q);
                plan.PackK(b, h, w.K);
                plan.PackV(b, h, w.V);
                Plan.PackBlock(gv, q.Rows, b * tq, h * dv, tq, dv, w.O);        // ∂O_bh
                if (dvBuf is not null)
                {
                    FastGemm.Multiply(false, false, 1.0, used, tk, tq, w.O, tq, dv, 0.0, w.DV); // ∂V = Pᵀ ∂O
                    Plan.Unpack(b, h, w.DV, dvBuf, v.Rows, vCol, dv, tk, accumulate: true);
                }
                if (dq is null && dkBuf is null) return;
                FastGemm.Multiply(false, true, 1.0, w.V, tk, dv, w.O, tq, dv, 0.0, w.DP); // ∂Pᵀ = V ∂Oᵀ
                if (keep is not null)
                {
                    var kb = keep[blk];
                    for (int x = 0; x < kb.Length; x++) w.DP[x] *= kb[x];
                }
                SoftmaxBackwardColumns(pt, w.DP, tk, tq);                              // ∂Sᵀ, in place
                if (dq is not null)
                {
                    FastGemm.Multiply(true, false, s, w.DP, tk, tq, w.K, tk, dk, 0.0, w.DQ); // ∂Q = s·∂S K
                    Plan.Unpack(b, h, w.DQ, dq, q.Rows, qCol, dk, tq, accumulate: true);
                }
                if (dkBuf is not null)
                {
                    FastGemm.Multiply(false, false, s, w.DP, tk, tq, w.Q, tq, dk, 0.0, w.DK); // ∂K = s·∂Sᵀ Q
                    Plan.Unpack(b, h, w.DK, dkBuf, k.Rows, kCol, dk, tk, accumulate: true);
                }
            });
        });
        return (result, probs);
    }

    private static Tensor[] Distinct(Tensor q, Tensor k, Tensor v)
    {
        var list = new List<Tensor> { q };
        if (!ReferenceEquals(k, q)) list.Add(k);
        if (!ReferenceEquals(v, q) && !ReferenceEquals(v, k)) list.Add(v);
        return list.ToArray();
    }

    /// <summary>
    /// Softmax of each column of a rows×cols column-major block, after adding the row-major cols×rows mask (if any).
    /// </summary>
    internal static void SoftmaxColumns(double[] z, int rows, int cols, double[]? mask)
    {
        for (int i = 0; i < cols; i++)
        {
            var col = z.AsSpan(i * rows, rows);
            if (mask is not null)
            {
                var m = mask.AsSpan(i * rows, rows);
                for (int j = 0; j < rows; j++) col[j] += m[j];
            }
            // A NaN score (e.g. from a NaN in Q) would be skipped by the max and give a row of zeros; the readable
            // path's softmax refuses it, and so does this one.
            foreach (var v in col)
            {
                if (double.IsNaN(v) || double.IsPositiveInfinity(v))
                {
                    throw new ArgumentException("FusedAttention: a score is NaN or +∞; Q, K and the mask must be " +
                                                "finite (−∞ only in the mask).");
                }
            }
            SoftmaxFunctions.SoftmaxRow(col, col); // every key hidden: zero weights, not NaN
        }
    }

    /// <summary>
    /// ∂S = P ⊙ (∂P − Σ ∂P ⊙ P) down each column (P and ∂P both rows×cols column-major); overwrites ∂P.
    /// </summary>
    internal static void SoftmaxBackwardColumns(double[] p, double[] dp, int rows, int cols)
    {
        for (int i = 0; i < cols; i++)
        {
            int o = i * rows;
            double dot = 0;
            for (int j = 0; j < rows; j++) dot += p[o + j] * dp[o + j];
            for (int j = 0; j < rows; j++) dp[o + j] = p[o + j] * (dp[o + j] - dot);
        }
    }

    /// <summary>
    /// Shapes, sources and scratch buffers of one call; copies (b, h) blocks in and out of the batch layout.
    /// </summary>
    private sealed class Plan(Tensor q, int qCol, Tensor k, int kCol, Tensor v, int vCol,
        int heads, int dk, int dv, int batch, int tq, int tk)
    {
        private readonly double[] _q = Shapes.Values(q.Data);
        private readonly double[] _k = Shapes.Values(k.Data);
        private readonly double[] _v = Shapes.Values(v.Data);

        /// <summary>Scratch space for one block, reused across the blocks a thread handles.</summary>
        public sealed class Work(int tq, int tk, int dk, int dv)
        {
            public readonly double[] Q = new double[tq * dk], K = new double[tk * dk], V = new double[tk * dv];
            public readonly double[] O = new double[tq * dv], DP = new double[tk * tq];
            public readonly double[] DQ = new double[tq * dk], DK = new double[tk * dk], DV = new double[tk * dv];
        }

        public void ForEachBlock(Action<int, Work> body)
        {
            int blocks = batch * heads;
            long work = (long)blocks * tq * tk * Math.Max(dk, dv);
            if (blocks == 1 || work < 32_768 || Environment.ProcessorCount == 1)
            {
                var w = new Work(tq, tk, dk, dv);
                for (int blk = 0; blk < blocks; blk++) body(blk, w);
                return;
            }
            try
            {
                Parallel.For(0, blocks, () => new Work(tq, tk, dk, dv), (blk, _, w) =>
                {
                    body(blk, w);
                    return w;
                }, _ => { });
            }
            catch (AggregateException e)
            {
                // Surface the block's own exception (e.g. an ArgumentException naming the problem), not the wrapper.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }

        public void PackQ(int b, int h, double[] dest) => PackBlock(_q, q.Rows, b * tq, qCol + h * dk, tq, dk, dest);

        public void PackK(int b, int h, double[] dest) => PackBlock(_k, k.Rows, b * tk, kCol + h * dk, tk, dk, dest);

        public void PackV(int b, int h, double[] dest) => PackBlock(_v, v.Rows, b * tk, vCol + h * dv, tk, dv, dest);

        /// <summary>
        /// Copies rows [row0, row0+rows) × columns [col0, col0+cols) of a column-major matrix with n rows into dest.
        /// </summary>
        public static void PackBlock(double[] src, int n, int row0, int col0, int rows, int cols, double[] dest)
        {
            for (int c = 0; c < cols; c++) Array.Copy(src, row0 + (col0 + c) * n, dest, c * rows, rows);
        }

        /// <summary>
        /// Writes (or adds) a rows×width block for (b, h) into a column-major matrix with n rows, at columns
        /// col0 + h·width.
        /// </summary>
        public static void Unpack(int b, int h, double[] block, double[] dest, int n, int col0, int width, int rows,
            bool accumulate)
        {
            int row0 = b * rows;
            for (int c = 0; c < width; c++)
            {
                int o = row0 + (col0 + h * width + c) * n;
                var src = block.AsSpan(c * rows, rows);
                var dst = dest.AsSpan(o, rows);
                if (accumulate) for (int i = 0; i < rows; i++) dst[i] += src[i];
                else src.CopyTo(dst);
            }
        }
    }
}
