using TransformerCourse.Autograd;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// Moving between the batch layout (B·T)×D, row b·T + t, and one time step of every sequence (B×D), which is how a
/// recurrent decoder walks through a batch.
/// </summary>
public static class SequenceOps
{
    /// <summary>Rows of a (B·T)×D tensor for time step t of every sequence: B×D (rows b·T + t).</summary>
    public static Tensor Step(Tensor x, int batch, int t)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (batch <= 0 || x.Rows % batch != 0)
            throw new ArgumentException($"SequenceOps.Step: a {x.Shape} tensor is not (B·T)×D for B = {batch}.");
        int time = x.Rows / batch;
        if (t < 0 || t >= time) throw new ArgumentException($"SequenceOps.Step: step {t} is outside [0, {time}).");
        var idx = new int[batch];
        for (int b = 0; b < batch; b++) idx[b] = b * time + t;
        return x.GatherRows(idx);
    }

    /// <summary>Stacks T per-step B×D tensors into (B·T)×D with row b·T + t.</summary>
    public static Tensor StackSteps(IReadOnlyList<Tensor> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) throw new ArgumentException("SequenceOps.StackSteps: no steps given.");
        int time = steps.Count, batch = steps[0].Rows;
        var stacked = Tensor.ConcatRows([.. steps]);          // row t·B + b
        var order = new int[batch * time];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                order[b * time + t] = t * batch + b;
        return stacked.GatherRows(order);
    }
}
