using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;

namespace TransformerCourse.Optim;

/// <summary>
/// Updates parameters from their gradients. Call <see cref="ZeroGrad"/>, compute the loss, <c>loss.Backward()</c>,
/// then <see cref="Step"/>. A parameter without a gradient is left as it is (as in PyTorch).
/// </summary>
public abstract class Optimizer
{
    /// <summary>Creates the optimiser over the given parameters.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException($"{GetType().Name}: no parameters given.");
        foreach (var p in Parameters)
        {
            if (!p.RequiresGrad) throw new ArgumentException($"{GetType().Name}: tensor {p.Name ?? p.Shape} does not require a gradient.");
        }
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{GetType().Name}: the learning rate must be ≥ 0.");
        LearningRate = learningRate;
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/> (a schedule sets it before each step).</summary>
    public double LearningRate { get; set; }

    /// <summary>How many steps have been taken.</summary>
    public int StepCount { get; protected set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <summary>The optimiser's state (step count and per-parameter buffers), for checkpoints. Keys are "{index}.{buffer}".</summary>
    public virtual Dictionary<string, Matrix<double>> StateDict()
    {
        var state = new Dictionary<string, Matrix<double>>
        {
            ["step"] = Matrix<double>.Build.Dense(1, 1, StepCount),
            ["lr"] = Matrix<double>.Build.Dense(1, 1, LearningRate),
        };
        foreach (var (key, buffer) in Buffers()) state[key] = buffer.Clone();
        return state;
    }

    /// <summary>Restores a state saved by <see cref="StateDict"/>, so training resumes exactly.</summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, Matrix<double>> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.TryGetValue("step", out var step))
            throw new ArgumentException($"{GetType().Name}.LoadStateDict: the state has no 'step'.");
        // Check everything before changing anything, so that a failed load leaves the optimiser as it was.
        var copies = new List<(Matrix<double> Saved, Matrix<double> Buffer)>();
        foreach (var (key, buffer) in Buffers())
        {
            if (!state.TryGetValue(key, out var saved))
                throw new ArgumentException($"{GetType().Name}.LoadStateDict: the state has no '{key}'.");
            if (saved.RowCount != buffer.RowCount || saved.ColumnCount != buffer.ColumnCount)
                throw new ArgumentException($"{GetType().Name}.LoadStateDict: '{key}' is {saved.RowCount}×{saved.ColumnCount}, expected {buffer.RowCount}×{buffer.ColumnCount}.");
            copies.Add((saved, buffer));
        }
        StepCount = (int)step[0, 0];
        if (state.TryGetValue("lr", out var lr)) LearningRate = lr[0, 0];
        foreach (var (saved, buffer) in copies) saved.CopyTo(buffer);
    }

    /// <summary>The per-parameter buffers by state key (created on construction so that they can be restored before the first step).</summary>
    protected virtual IEnumerable<(string Key, Matrix<double> Buffer)> Buffers() => [];
}
