using TransformerCourse.Autograd;

namespace TransformerCourse.Attention.Kernels;

/// <summary>
/// The batched building blocks of RNN-style attention (one query per sequence, as in Bahdanau and Luong), each one
/// autograd operation with a hand-written backward, used when <see cref="KernelSwitch.Fused"/> is on; the
/// layers show the same scores as plain matrix operations beside each call. Layout: B queries are a B×d tensor; the T
/// keys or values of sequence b are rows [b·T, (b+1)·T) of a (B·T)×d tensor (see <see cref="SequenceBatch"/>); scores
/// and weights are B×T.
/// </summary>
internal static class RnnAttentionKernels
{
    /// <summary>
    /// Additive (Bahdanau) scores e_bt = vᵀ tanh(w_b + u_bt), where w = W s (the projected queries) and u = U h
    /// (the projected keys). Shapes: w B×a, u (B·T)×a, v 1×a, result B×T.
    /// </summary>
    public static Tensor AdditiveScores(Tensor w, Tensor u, Tensor v, int time)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(u);
        ArgumentNullException.ThrowIfNull(v);
        int batch = w.Rows, a = w.Cols, n = u.Rows;
        if (time <= 0 || n != batch * time || u.Cols != a || v.Rows != 1 || v.Cols != a)
            throw new ArgumentException(
                $"AdditiveScores: projected queries are {w.Shape}, projected keys {u.Shape}, v {v.Shape} with " +
                    $"T={time}; need B×a, (B·T)×a and 1×a.");
        var wv = Shapes.Values(w.Data);
        var uv = Shapes.Values(u.Data);
        var vv = Shapes.Values(v.Data);
        var tanh = new double[n * a];           // tanh(w_b + u_bt), kept for the backward pass
        var e = new double[batch * time];       // e[b + t·B], column-major B×T
        for (int c = 0; c < a; c++)
        {
            double vc = vv[c];
            for (int r = 0; r < n; r++)
            {
                int b = r / time, t = r % time;
                double th = Math.Tanh(wv[b + c * batch] + uv[r + c * n]);
                tanh[r + c * n] = th;
                e[b + t * batch] += vc * th;
            }
        }
        return Tensor.FromOp(Shapes.Wrap(batch, time, e), "AdditiveScores", [w, u, v], g =>
        {
            var gv = Shapes.Values(g);
            var dw = w.RequiresGrad ? Shapes.Values(w.GradBuffer()) : null;
            var du = u.RequiresGrad ? Shapes.Values(u.GradBuffer()) : null;
            var dv = v.RequiresGrad ? Shapes.Values(v.GradBuffer()) : null;
            for (int c = 0; c < a; c++)
            {
                double vc = vv[c], dvc = 0;
                for (int r = 0; r < n; r++)
                {
                    int b = r / time, t = r % time;
                    double ge = gv[b + t * batch], th = tanh[r + c * n];
                    dvc += ge * th;
                    double dpre = ge * vc * (1 - th * th);  // ∂/∂(w_b + u_bt)
                    if (du is not null) du[r + c * n] += dpre;
                    if (dw is not null) dw[b + c * batch] += dpre;
                }
                if (dv is not null) dv[c] += dvc;
            }
        });
    }

    /// <summary>
    /// Dot-product scores e_bt = q_b · k_bt of one query per sequence against that sequence's keys.
    /// Shapes: q B×d, keys (B·T)×d, result B×T.
    /// </summary>
    public static Tensor DotScores(Tensor q, Tensor keys, int time)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(keys);
        int batch = q.Rows, d = q.Cols, n = keys.Rows;
        if (time <= 0 || n != batch * time || keys.Cols != d)
            throw new ArgumentException($"DotScores: queries are {q.Shape}, keys {keys.Shape} with T={time}; need " +
                "B×d and (B·T)×d.");
        var qv = Shapes.Values(q.Data);
        var kv = Shapes.Values(keys.Data);
        var e = new double[batch * time];
        for (int c = 0; c < d; c++)
            for (int r = 0; r < n; r++)
                e[r / time + (r % time) * batch] += qv[r / time + c * batch] * kv[r + c * n];
        return Tensor.FromOp(Shapes.Wrap(batch, time, e), "DotScores", [q, keys], g =>
        {
            var gv = Shapes.Values(g);
            var dq = q.RequiresGrad ? Shapes.Values(q.GradBuffer()) : null;
            var dk = keys.RequiresGrad ? Shapes.Values(keys.GradBuffer()) : null;
            for (int c = 0; c < d; c++)
            {
                for (int r = 0; r < n; r++)
                {
                    int b = r / time;
                    double ge = gv[b + (r % time) * batch];
                    if (dq is not null) dq[b + c * batch] += ge * kv[r + c * n];
                    if (dk is not null) dk[r + c * n] += ge * qv[b + c * batch];
                }
            }
        });
    }

    /// <summary>
    /// The context vectors c_b = Σ_t a_bt h_bt: each sequence's values averaged with its weights.
    /// Shapes: weights B×T, values (B·T)×d, result B×d.
    /// </summary>
    public static Tensor WeightedSum(Tensor weights, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(values);
        int batch = weights.Rows, time = weights.Cols, n = values.Rows, d = values.Cols;
        if (n != batch * time)
            throw new ArgumentException($"WeightedSum: weights are {weights.Shape} (B×T) but values are " +
                $"{values.Shape}; values need B·T = {batch * time} rows.");
        var av = Shapes.Values(weights.Data);
        var hv = Shapes.Values(values.Data);
        var ctx = new double[batch * d];
        for (int c = 0; c < d; c++)
            for (int r = 0; r < n; r++)
                ctx[r / time + c * batch] += av[r / time + (r % time) * batch] * hv[r + c * n];
        return Tensor.FromOp(Shapes.Wrap(batch, d, ctx), "WeightedSum", [weights, values], g =>
        {
            var gv = Shapes.Values(g);
            var da = weights.RequiresGrad ? Shapes.Values(weights.GradBuffer()) : null;
            var dh = values.RequiresGrad ? Shapes.Values(values.GradBuffer()) : null;
            for (int c = 0; c < d; c++)
            {
                for (int r = 0; r < n; r++)
                {
                    int b = r / time, ia = b + (r % time) * batch;
                    double gc = gv[b + c * batch];
                    if (da is not null) da[ia] += gc * hv[r + c * n];
                    if (dh is not null) dh[r + c * n] += gc * av[ia];
                }
            }
        });
    }
}
