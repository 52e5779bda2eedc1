using TransformerCourse.Attention.Kernels;
using TransformerCourse.Autograd;

namespace TransformerCourse.Attention;

/// <summary>
/// The step RNN-style attention (one query per sequence, as in Bahdanau and Luong) shares after its scores. Layout: B
/// queries are a B×d tensor; the T keys or values of sequence b are rows [b·T, (b+1)·T) of a (B·T)×d tensor (see
/// <see cref="SequenceBatch"/>); scores and weights are B×T.
/// </summary>
public static class AttentionOps
{
    /// <summary>
    /// The shared last two steps of RNN attention: weights a = softmax(e + padding mask) over each sequence's keys,
    /// then the context c = Σ_t a_t h_t. Shapes: scores B×T, values (B·T)×d; returns context B×d and weights B×T.
    /// </summary>
    public static AttentionResult Attend(Tensor scores, Tensor values, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(batch);
        if (scores.Rows != batch.Batch || scores.Cols != batch.Time)
            throw new ArgumentException($"Attend: scores are {scores.Shape} but the batch is B={batch.Batch}, " +
                $"T={batch.Time}.");
        var mask = batch.HasPadding ? Masks.Padding(batch.Lengths!, batch.Time) : null;
        var weights = scores.Softmax(mask);                                       // a_b = softmax(e_b), B×T
        if (KernelSwitch.Fused)                                      // the same numbers, one node
            return new AttentionResult(RnnAttentionKernels.WeightedSum(weights, values), weights);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Rows != batch.Batch * batch.Time)
            throw new ArgumentException(
                $"WeightedSum: weights are {weights.Shape} (B×T) but values are {values.Shape}; values need B·T = " +
                $"{batch.Batch * batch.Time} rows.");
        var contexts = new Tensor[batch.Batch];
        for (int b = 0; b < batch.Batch; b++)                                     // c_b = a_b H_b, 1×T · T×d
            contexts[b] = weights.SliceRows(b, 1).MatMul(values.SliceRows(b * batch.Time, batch.Time));
        return new AttentionResult(Tensor.ConcatRows(contexts), weights);
    }
}
