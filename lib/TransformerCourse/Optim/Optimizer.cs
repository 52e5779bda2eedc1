using System.Collections.ObjectModel;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;

namespace TransformerCourse.Optim;

/// <summary>
/// Updates parameters from their gradients. Call <see cref="ZeroGrad"/>, compute the loss, <c>loss.Backward()</c>,
/// then <see cref="Step"/>. A parameter without a gradient (<see cref="Tensor.Grad"/> null) is skipped entirely, as
/// in PyTorch: it is not changed and its state (step count, buffers) does not advance.
/// </summary>
/// <remarks>
/// <para>The state is kept per parameter, as in PyTorch: each parameter has its own step count (<c>state["step"]</c>,
/// which Adam's bias correction uses) and buffers (Adam's moments, SGD's momentum buffer), and they start at the first
/// step at which that parameter has a gradient. A parameter that first receives a gradient at step 3 is updated at
/// step 3 exactly as a fresh parameter at step 1 would be.</para>
/// <para>"No gradient" is a null <see cref="Tensor.Grad"/>, not a zero one. <see cref="ZeroGrad"/> by default mirrors
/// PyTorch 1.13's default <c>zero_grad(set_to_none=False)</c>: gradients that exist are zeroed in place, so a
/// parameter that once had a gradient keeps being updated (with a zero gradient, its moments decaying) even in a step
/// where it took no part in the loss; a parameter that never had one stays null and is skipped.
/// <c>ZeroGrad(setToNone: true)</c> mirrors <c>zero_grad(set_to_none=True)</c> (PyTorch 2's default): gradients
/// become null, so a parameter that the next backward pass does not reach is skipped by the next step.</para>
/// </remarks>
public abstract class Optimizer
{
    private readonly int[] _parameterSteps;

    /// <summary>Creates the optimiser over the given parameters.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters.ToList();
        if (Parameters.Count == 0) throw new ArgumentException($"{GetType().Name}: no parameters given.");
        foreach (var p in Parameters)
        {
            if (!p.RequiresGrad)
                throw new ArgumentException(
                    $"{GetType().Name}: tensor {p.Name ?? p.Shape} does not require a gradient.");
        }
        LearningRate = learningRate;
        _parameterSteps = new int[Parameters.Count];
        ParameterStepCounts = new ReadOnlyCollection<int>(_parameterSteps);
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The learning rate used by the next <see cref="Step"/> (a schedule sets it before each step).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate is NaN, infinite or negative.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value,
                    $"{GetType().Name}: the learning rate must be a finite number ≥ 0.");
            _learningRate = value;
        }
    }

    private double _learningRate;

    /// <summary>How many times <see cref="Step"/> has been called (the count a learning-rate schedule uses).</summary>
    public int StepCount { get; protected set; }

    /// <summary>
    /// How many updates each parameter has had (PyTorch's per-parameter <c>state["step"]</c>), in the order of
    /// <see cref="Parameters"/>: a step at which a parameter had no gradient does not count for it.
    /// </summary>
    public IReadOnlyList<int> ParameterStepCounts { get; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public abstract void Step();

    /// <summary>
    /// Counts one more update of parameter <paramref name="index"/> and returns its new step count (1 at the first step
    /// at which it has a gradient). Call it once per parameter updated in <see cref="Step"/>.
    /// </summary>
    protected int AdvanceParameterStep(int index) => ++_parameterSteps[index];

    /// <summary>
    /// Clears the gradients. By default every existing gradient is set to zero in place and a parameter without one
    /// keeps none, as PyTorch 1.13's default <c>zero_grad(set_to_none=False)</c>; with <paramref name="setToNone"/>
    /// every gradient becomes null, as <c>zero_grad(set_to_none=True)</c>, so that a parameter the next backward pass
    /// does not reach is skipped by the next <see cref="Step"/> (see the class remarks).
    /// </summary>
    public void ZeroGrad(bool setToNone = false)
    {
        foreach (var p in Parameters)
        {
            if (setToNone) p.Grad = null;
            else p.ZeroGrad();
        }
    }

    /// <summary>
    /// The optimiser's state, for checkpoints: <c>step</c> (calls to <see cref="Step"/>), <c>lr</c>, then per parameter
    /// <c>{index}.step</c> (its own step count) and its buffers as <c>{index}.{buffer}</c>. Every value is a matrix
    /// (1×1 for the numbers).
    /// </summary>
    public virtual Dictionary<string, Matrix<double>> StateDict()
    {
        var state = new Dictionary<string, Matrix<double>>
        {
            ["step"] = Matrix<double>.Build.Dense(1, 1, StepCount),
            ["lr"] = Matrix<double>.Build.Dense(1, 1, LearningRate),
        };
        for (int i = 0; i < _parameterSteps.Length; i++)
            state[$"{i}.step"] = Matrix<double>.Build.Dense(1, 1, _parameterSteps[i]);
        foreach (var (key, buffer) in Buffers()) state[key] = buffer.Clone();
        return state;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/>, so training resumes exactly. Everything is checked before
    /// anything changes, so a failed load leaves the optimiser as it was. A state from before per-parameter step counts
    /// (no <c>{index}.step</c> entries) gives every parameter the optimiser-wide <c>step</c>, which is how that state
    /// was being used when it was saved.
    /// </summary>
    public virtual void LoadStateDict(IReadOnlyDictionary<string, Matrix<double>> state) =>
        PrepareLoadStateDict(state)();

    /// <summary>Checks <paramref name="state"/> fully; returns the action that applies it (and cannot fail).</summary>
    internal Action PrepareLoadStateDict(IReadOnlyDictionary<string, Matrix<double>> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string op = $"{GetType().Name}.LoadStateDict";
        if (!state.ContainsKey("step"))
            throw new ArgumentException($"{op}: the state has no 'step'{ForeignStateHint(state)}.");
        int step = Count(op, state, "step", int.MaxValue);
        double? lr = null;
        if (state.TryGetValue("lr", out var lrMatrix))
        {
            double v = Single(op, "lr", lrMatrix);
            if (!(v >= 0) || double.IsInfinity(v))
                throw new ArgumentException($"{op}: 'lr' is {v}; a learning rate must be finite and ≥ 0.");
            lr = v;
        }

        var steps = new int[Parameters.Count];
        int withStep = Enumerable.Range(0, Parameters.Count).Count(i => state.ContainsKey($"{i}.step"));
        for (int i = 0; i < steps.Length; i++)
        {
            if (withStep == 0) steps[i] = step; // saved before per-parameter counts: every parameter had the global one
            else if (!state.ContainsKey($"{i}.step"))
                throw new ArgumentException(
                    $"{op}: the state has per-parameter step counts for {withStep} of {steps.Length} parameters " +
                    $"but none for parameter {i} ('{i}.step').");
            else steps[i] = Count(op, state, $"{i}.step", step);
        }

        var copies = new List<(Matrix<double> Saved, Matrix<double> Buffer)>();
        foreach (var (key, buffer) in Buffers())
        {
            if (!state.TryGetValue(key, out var saved))
                throw new ArgumentException($"{op}: the state has no '{key}'{ForeignStateHint(state)}.");
            if (saved.RowCount != buffer.RowCount || saved.ColumnCount != buffer.ColumnCount)
                throw new ArgumentException(
                    $"{op}: '{key}' is {saved.RowCount}×{saved.ColumnCount}, " +
                    $"expected {buffer.RowCount}×{buffer.ColumnCount} (the shape of parameter {key.Split('.')[0]}).");
            copies.Add((saved, buffer));
        }
        return () =>
        {
            StepCount = step;
            if (lr is double rate) LearningRate = rate;
            steps.CopyTo(_parameterSteps, 0);
            foreach (var (saved, buffer) in copies) saved.CopyTo(buffer);
        };
    }

    /// <summary>
    /// When the state holds buffers this optimiser does not have (e.g. Adam's <c>exp_avg</c> given to SGD), a sentence
    /// saying so; otherwise empty.
    /// </summary>
    private string ForeignStateHint(IReadOnlyDictionary<string, Matrix<double>> state)
    {
        var mine = Buffers().Select(b => BufferKind(b.Key)).Append("step").ToHashSet(StringComparer.Ordinal);
        var foreign = state.Keys.Where(k => k.Contains('.', StringComparison.Ordinal)).Select(BufferKind)
            .Where(kind => !mine.Contains(kind)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .ToList();
        return foreign.Count == 0 ? ""
            : $"; it holds {string.Join(", ", foreign)} buffers, which {GetType().Name} does not have " +
              "(was it saved by a different optimiser?)";
    }

    private static string BufferKind(string key) => key[(key.IndexOf('.', StringComparison.Ordinal) + 1)..];

    private static double Single(string op, string key, Matrix<double> m)
    {
        if (m.RowCount != 1 || m.ColumnCount != 1)
            throw new ArgumentException($"{op}: '{key}' is {m.RowCount}×{m.ColumnCount}, expected 1×1 (one number).");
        return m[0, 0];
    }

    /// <summary>A whole number from 0 to <paramref name="max"/> stored as a 1×1 matrix.</summary>
    private static int Count(string op, IReadOnlyDictionary<string, Matrix<double>> state, string key, int max)
    {
        double v = Single(op, key, state[key]);
        if (!(v >= 0 && v <= max && Math.Floor(v) == v))
            throw new ArgumentException(
                $"{op}: '{key}' is {v.ToString(CultureInfo.InvariantCulture)}; " +
                $"a step count must be a whole number from 0 to {max.ToString(CultureInfo.InvariantCulture)}" +
                (key == "step" ? "." : " (the optimiser's 'step')."));
        return (int)v;
    }

    /// <summary>
    /// The per-parameter buffers by state key, "{index}.{name}" (created on construction, zero, so that they can be
    /// restored before the first step).
    /// </summary>
    protected virtual IEnumerable<(string Key, Matrix<double> Buffer)> Buffers() => [];
}
