using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// Batched pieces of decoder-side attention over encoder states stored as (B·S)×D (row b·S + j).
/// </summary>
public static class SequenceOps
{
    /// <summary>Repeats each row of a B×D tensor S times: (B·S)×D, row b·S + j = row b (to pair a decoder state with every encoder state).</summary>
    public static Tensor RepeatRows(Tensor x, int times)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (times <= 0) throw new ArgumentException($"RepeatRows: times must be positive, got {times}.");
        var idx = new int[x.Rows * times];
        for (int b = 0; b < x.Rows; b++)
            for (int j = 0; j < times; j++)
                idx[b * times + j] = b;
        return x.GatherRows(idx);
    }

    /// <summary>
    /// Context vectors cᵦ = Σⱼ a[b, j] · H[b·S + j] for every sequence b: weights B×S and values (B·S)×D give B×D.
    /// Gradients: ∂a[b, j] = ∂cᵦ · H[b·S + j], ∂H[b·S + j] = a[b, j] ∂cᵦ.
    /// </summary>
    public static Tensor WeightedSum(Tensor weights, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(values);
        int b = weights.Rows, s = weights.Cols, d = values.Cols;
        if (values.Rows != b * s)
            throw new ArgumentException($"WeightedSum: weights are {weights.Shape}, values are {values.Shape}; values must have B·S = {b * s} rows.");
        var a = weights.Data.AsColumnMajorArray();
        var h = values.Data.AsColumnMajorArray();
        int n = b * s;
        var c = new double[b * d];
        for (int k = 0; k < d; k++)
            for (int bi = 0; bi < b; bi++)
            {
                double sum = 0;
                for (int j = 0; j < s; j++) sum += a[bi + j * b] * h[bi * s + j + k * n];
                c[bi + k * b] = sum;
            }
        return Tensor.FromOp(new DenseMatrix(b, d, c), "WeightedSum", [weights, values], g =>
        {
            var gv = g.AsColumnMajorArray();
            if (weights.RequiresGrad)
            {
                var da = new double[b * s];
                for (int k = 0; k < d; k++)
                    for (int bi = 0; bi < b; bi++)
                    {
                        double gk = gv[bi + k * b];
                        for (int j = 0; j < s; j++) da[bi + j * b] += gk * h[bi * s + j + k * n];
                    }
                weights.AddGradOwned(new DenseMatrix(b, s, da));
            }
            if (values.RequiresGrad)
            {
                var dh = new double[n * d];
                for (int k = 0; k < d; k++)
                    for (int bi = 0; bi < b; bi++)
                    {
                        double gk = gv[bi + k * b];
                        for (int j = 0; j < s; j++) dh[bi * s + j + k * n] = a[bi + j * b] * gk;
                    }
                values.AddGradOwned(new DenseMatrix(n, d, dh));
            }
        });
    }

    /// <summary>An additive B×S mask from sequence lengths: 0 where j &lt; lengths[b], −∞ after.</summary>
    public static Matrix<double> PaddingMask(IReadOnlyList<int> lengths, int time)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        var m = new DenseMatrix(lengths.Count, time);
        for (int b = 0; b < lengths.Count; b++)
            for (int j = lengths[b]; j < time; j++)
                m[b, j] = double.NegativeInfinity;
        return m;
    }

    /// <summary>Rows of a (B·T)×D tensor for time step t of every sequence: B×D (rows b·T + t).</summary>
    public static Tensor Step(Tensor x, int batch, int t)
    {
        int time = x.Rows / batch;
        var idx = new int[batch];
        for (int b = 0; b < batch; b++) idx[b] = b * time + t;
        return x.GatherRows(idx);
    }

    /// <summary>Stacks T per-step B×D tensors into (B·T)×D with row b·T + t.</summary>
    public static Tensor StackSteps(IReadOnlyList<Tensor> steps)
    {
        int time = steps.Count, batch = steps[0].Rows;
        var stacked = Tensor.ConcatRows([.. steps]);          // row t·B + b
        var order = new int[batch * time];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                order[b * time + t] = t * batch + b;
        return stacked.GatherRows(order);
    }
}
