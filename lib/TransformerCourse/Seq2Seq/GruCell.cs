using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Nn;

namespace TransformerCourse.Seq2Seq;

/// <summary>
/// A gated recurrent unit (Cho et al., 2014), with PyTorch's <c>nn.GRUCell</c> equations and parameter names:
/// <code>
/// r  = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate
/// z  = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate
/// n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  candidate
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// Shapes: x B×I, h B×H; <c>weight_ih</c> 3H×I and <c>weight_hh</c> 3H×H stack the r, z, n rows; <c>bias_ih</c>,
/// <c>bias_hh</c> 1×3H.
/// Initialised as PyTorch: every parameter from U(−1/√H, 1/√H).
/// </summary>
public sealed class GruCell : Module
{
    /// <summary>Creates the cell.</summary>
    public GruCell(int inputSize, int hiddenSize, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"GruCell: sizes must be positive, got input {inputSize}, hidden " +
                $"{hiddenSize}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        double a = 1.0 / Math.Sqrt(hiddenSize);
        WeightIh = RegisterParameter("weight_ih", Init.Uniform(3 * hiddenSize, inputSize, -a, a, rng));
        WeightHh = RegisterParameter("weight_hh", Init.Uniform(3 * hiddenSize, hiddenSize, -a, a, rng));
        BiasIh = RegisterParameter("bias_ih", Init.Uniform(1, 3 * hiddenSize, -a, a, rng), 3 * hiddenSize);
        BiasHh = RegisterParameter("bias_hh", Init.Uniform(1, 3 * hiddenSize, -a, a, rng), 3 * hiddenSize);
    }

    /// <summary>I, the input size.</summary>
    public int InputSize { get; }

    /// <summary>H, the hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>W_ih = [W_ir; W_iz; W_in], 3H×I.</summary>
    public Tensor WeightIh { get; }

    /// <summary>W_hh = [W_hr; W_hz; W_hn], 3H×H.</summary>
    public Tensor WeightHh { get; }

    /// <summary>b_ih, 1×3H.</summary>
    public Tensor BiasIh { get; }

    /// <summary>b_hh, 1×3H.</summary>
    public Tensor BiasHh { get; }

    /// <summary>
    /// The input projections W_ih x + b_ih for many rows at once (e.g. every time step of a sequence): n×I → n×3H.
    /// </summary>
    public Tensor InputGates(Tensor x)
    {
        if (x.Cols != InputSize)
            throw new ArgumentException($"GruCell: input is {x.Shape} but the cell expects {InputSize} features.");
        if (KernelSwitch.Fused) return FusedLinear.Forward(x, WeightIh, BiasIh, op: "GruInput"); // one node
        return x.MatMul(WeightIh, transposeOther: true) + BiasIh;
    }

    /// <summary>One step: h' from x (B×I) and h (B×H).</summary>
    public Tensor Forward(Tensor x, Tensor h) => Step(InputGates(x), h);

    /// <summary>
    /// One step from precomputed input gates gi = W_ih x + b_ih (B×3H) and h (B×H).
    /// Rows whose <paramref name="keep"/> entry is false (padding past a sequence's end) keep their old h.
    /// </summary>
    public Tensor Step(Tensor inputGates, Tensor h, IReadOnlyList<bool>? keep = null)
    {
        if (h.Cols != HiddenSize || inputGates.Cols != 3 * HiddenSize || inputGates.Rows != h.Rows)
            throw new ArgumentException($"GruCell: input gates are {inputGates.Shape} and h is {h.Shape}; expected " +
                $"B×{3 * HiddenSize} and B×{HiddenSize}.");
        if (keep is not null && keep.Count != h.Rows)
            throw new ArgumentException($"GruCell: keep has {keep.Count} entries for {h.Rows} rows.");
        if (KernelSwitch.Fused) // the same numbers: W_hh h + b_hh and the gates as two nodes, SIMD products
            return GruOps.Combine(inputGates, FusedLinear.Forward(h, WeightHh, BiasHh, op: "GruHidden"), h, keep);
        var gh = h.MatMul(WeightHh, transposeOther: true) + BiasHh;      // W_hh h + b_hh, B×3H
        Tensor Gate(Tensor g, int i) => g.SliceCols(i * HiddenSize, HiddenSize); // i = 0 (r), 1 (z), 2 (n)
        var r = (Gate(inputGates, 0) + Gate(gh, 0)).Sigmoid();       // r  = σ(W_ir x + b_ir + W_hr h + b_hr)
        var z = (Gate(inputGates, 1) + Gate(gh, 1)).Sigmoid();       // z  = σ(W_iz x + b_iz + W_hz h + b_hz)
        var n = (Gate(inputGates, 2) + r.Mul(Gate(gh, 2))).Tanh();   // n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
        var next = (-z + 1.0).Mul(n) + z.Mul(h);                     // h' = (1 − z) ⊙ n + z ⊙ h
        if (keep is null) return next;
        var on = Tensor.FromRows(keep.Select(k => new[] { k ? 1.0 : 0.0 }).ToArray()); // B×1: 1 = still running
        return on.Mul(next) + (-on + 1.0).Mul(h);                    // finished rows keep their old h
    }
}
