using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;

namespace TransformerCourse.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, as
/// <c>torch.optim.SGD</c>:
/// g ← ∇θ + λθ;  b ← μb + (1 − τ)g (b = g on the first step);  g ← g + μb (Nesterov) or b;  θ ← θ − η g.
/// The "first step" is the parameter's own: the first step at which it has a gradient (see <see cref="Optimizer"/>).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly Matrix<double>[] _momentum;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">What to train.</param>
    /// <param name="learningRate">η.</param>
    /// <param name="momentum">μ (0 for plain SGD).</param>
    /// <param name="weightDecay">λ, L2 penalty added to the gradient.</param>
    /// <param name="dampening">τ.</param>
    /// <param name="nesterov">Use Nesterov momentum.</param>
    public Sgd(IEnumerable<Tensor> parameters, double learningRate, double momentum = 0, double weightDecay = 0,
        double dampening = 0, bool nesterov = false)
        : base(parameters, learningRate)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0 and zero dampening.");
        Momentum = momentum;
        WeightDecay = weightDecay;
        Dampening = dampening;
        Nesterov = nesterov;
        _momentum = Parameters.Select(p => Matrix<double>.Build.Dense(p.Rows, p.Cols)).ToArray();
    }

    /// <summary>μ.</summary>
    public double Momentum { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>τ.</summary>
    public double Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            bool first = AdvanceParameterStep(i) == 1; // this parameter's first update starts its momentum buffer
            var theta = p.Data.AsColumnMajorArray();
            var grad = p.Grad.AsColumnMajorArray();
            var buf = _momentum[i].AsColumnMajorArray();
            for (int k = 0; k < theta.Length; k++)
            {
                double g = grad[k] + WeightDecay * theta[k];
                if (Momentum != 0)
                {
                    buf[k] = first ? g : Momentum * buf[k] + (1 - Dampening) * g;
                    g = Nesterov ? g + Momentum * buf[k] : buf[k];
                }
                theta[k] -= LearningRate * g;
            }
        }
        StepCount++;
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Key, Matrix<double> Buffer)> Buffers() =>
        _momentum.Select((b, i) => ($"{i}.momentum_buffer", b));
}
