using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>What a <see cref="Gru"/> returns.</summary>
/// <param name="Outputs">Every time step's hidden state, (B·T)×(H·directions), row b·T + t; zero past
/// a sequence's length. With two directions each row is [forward; backward].</param>
/// <param name="Final">The last hidden state of each sequence, B×(H·directions): forward at t = length−1, backward at t
/// = 0.</param>
public sealed record GruOutput(Tensor Outputs, Tensor Final);

/// <summary>
/// A one-layer GRU over a batch of padded sequences (PyTorch's <c>nn.GRU(batch_first=True)</c> with packed sequences),
/// optionally bidirectional. Parameter names as PyTorch's: <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>,
/// <c>bias_hh_l0</c> and the same with <c>_reverse</c> for the backward direction.
/// Shapes: x is (B·T)×I with row b·T + t (token t of sequence b); lengths has B entries in [1, T].
/// </summary>
public sealed class Gru : Module
{
    /// <summary>Creates the layer.</summary>
    public Gru(int inputSize, int hiddenSize, Rng rng, bool bidirectional = false)
    {
        _forwardCell = new GruCell(inputSize, hiddenSize, rng);
        Register(_forwardCell, "_l0");
        if (bidirectional)
        {
            _backwardCell = new GruCell(inputSize, hiddenSize, rng);
            Register(_backwardCell, "_l0_reverse");
        }
    }

    private readonly GruCell _forwardCell;

    private readonly GruCell? _backwardCell;

    private void Register(GruCell cell, string suffix)
    {
        RegisterParameter("weight_ih" + suffix, cell.WeightIh);
        RegisterParameter("weight_hh" + suffix, cell.WeightHh);
        RegisterParameter("bias_ih" + suffix, cell.BiasIh, 3 * cell.HiddenSize);
        RegisterParameter("bias_hh" + suffix, cell.BiasHh, 3 * cell.HiddenSize);
    }

    /// <summary>H.</summary>
    public int HiddenSize => _forwardCell.HiddenSize;

    /// <summary>1 or 2.</summary>
    public int Directions => _backwardCell is null ? 1 : 2;

    /// <summary>
    /// Runs the GRU over each sequence from h₀ = 0, or from <paramref name="initial"/> (B×H) for the forward direction
    /// and <paramref name="initialReverse"/> (B×H) for the backward one.
    /// </summary>
    public GruOutput Forward(Tensor x, int batch, IReadOnlyList<int> lengths, Tensor? initial = null,
        Tensor? initialReverse = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(lengths);
        if (batch <= 0 || x.Rows % batch != 0)
            throw new ArgumentException($"Gru: input is {x.Shape}, which is not (B·T)×I for B = {batch}.");
        int time = x.Rows / batch;
        if (lengths.Count != batch)
            throw new ArgumentException($"Gru: {lengths.Count} lengths for a batch of {batch}.");
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > time)
                throw new ArgumentException($"Gru: sequence {b} has length {lengths[b]}, outside [1, {time}].");
        }
        foreach (var h0 in new[] { initial, initialReverse })
        {
            if (h0 is not null && (h0.Rows != batch || h0.Cols != HiddenSize))
                throw new ArgumentException($"Gru: initial state is {h0.Shape}, expected {batch}×{HiddenSize}.");
        }
        if (initialReverse is not null && _backwardCell is null)
            throw new ArgumentException("Gru: an initial reverse state was given to a one-directional GRU.");

        if (_backwardCell is null) return Run(_forwardCell, x, batch, time, lengths, reverse: false, initial);
        // The two directions are independent chains of steps: with two cores, the backward one runs on a second
        // thread. The numbers are the same (each direction's arithmetic does not depend on the thread); a profile
        // (per thread) keeps both on this one.
        var backward = Environment.ProcessorCount > 1 && Tensor.Profile is null
            ? Task.Run(() => Run(_backwardCell, x, batch, time, lengths, reverse: true, initialReverse))
            : null;
        var fwd = Run(_forwardCell, x, batch, time, lengths, reverse: false, initial);
        var bwd = backward?.GetAwaiter().GetResult()
            ?? Run(_backwardCell, x, batch, time, lengths, reverse: true, initialReverse);
        return new GruOutput(Tensor.ConcatCols(fwd.Outputs, bwd.Outputs), Tensor.ConcatCols(fwd.Final, bwd.Final));
    }

    private static GruOutput Run(GruCell cell, Tensor x, int batch, int time, IReadOnlyList<int> lengths, bool reverse,
        Tensor? initial)
    {
        int hs = cell.HiddenSize;
        var gates = cell.InputGates(x);                       // (B·T)×3H, all time steps in one product
        var h = initial ?? Tensor.Zeros(batch, hs);
        var steps = new Tensor[time];
        for (int s = 0; s < time; s++)
        {
            int t = reverse ? time - 1 - s : s;
            var rows = new int[batch];
            var keep = new bool[batch];       // a new array each step: the step's backward keeps a reference to it
            for (int b = 0; b < batch; b++)
            {
                rows[b] = b * time + t;
                keep[b] = t < lengths[b];
            }
            h = cell.Step(gates.GatherRows(rows), h, keep);
            steps[t] = h;
        }
        // Put the rows back in b·T + t order, with zeros past each sequence's end.
        var stacked = Tensor.ConcatRows([.. steps, Tensor.Zeros(1, hs)]);
        var order = new int[batch * time];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                order[b * time + t] = t < lengths[b] ? t * batch + b : time * batch;
        return new GruOutput(stacked.GatherRows(order), h);
    }
}
