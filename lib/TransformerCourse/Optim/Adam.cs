using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;

namespace TransformerCourse.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba), with the update rule and defaults of <c>torch.optim.Adam</c>; with <see cref="Decoupled"/>,
/// AdamW (<c>torch.optim.AdamW</c>). At step t with gradient g:
/// <code>
/// Adam : g ← g + λθ                 AdamW: θ ← θ(1 − ηλ)
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²
/// θ ← θ − η/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// where t counts the steps at which this parameter had a gradient (see <see cref="Optimizer"/>).
/// </summary>
public class Adam : Optimizer
{
    private readonly Matrix<double>[] _m;
    private readonly Matrix<double>[] _v;

    /// <summary>Creates Adam (L2 weight decay added to the gradient, default 0).</summary>
    public Adam(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0)
        : this(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    /// <summary>Creates Adam or, with <paramref name="decoupled"/>, AdamW.</summary>
    protected Adam(IEnumerable<Tensor> parameters, double learningRate, double beta1, double beta2, double eps,
        double weightDecay, bool decoupled)
        : base(parameters, learningRate)
    {
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1)
            throw new ArgumentOutOfRangeException(nameof(beta1),
                $"{GetType().Name}: betas must be in [0, 1), got ({beta1}, {beta2}).");
        if (!(eps > 0) || double.IsInfinity(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{GetType().Name}: ε must be a positive number.");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay,
                $"{GetType().Name}: weight decay must be a finite number ≥ 0.");
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        Decoupled = decoupled;
        _m = Parameters.Select(p => Matrix<double>.Build.Dense(p.Rows, p.Cols)).ToArray();
        _v = Parameters.Select(p => Matrix<double>.Build.Dense(p.Rows, p.Cols)).ToArray();
    }

    /// <summary>β₁, decay of the first-moment (mean) estimate.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, decay of the second-moment (uncentred variance) estimate.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to the denominator.</summary>
    public double Eps { get; }

    /// <summary>λ.</summary>
    public double WeightDecay { get; }

    /// <summary>True for AdamW: weight decay shrinks θ directly instead of being added to the gradient.</summary>
    public bool Decoupled { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// t in the bias corrections is the parameter's own step count (<see cref="Optimizer.ParameterStepCounts"/>), as
    /// in PyTorch: a parameter that first has a gradient at a later step starts at t = 1 then.
    /// </remarks>
    public override void Step()
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            int t = AdvanceParameterStep(i);
            double bias1 = 1 - Math.Pow(Beta1, t);
            double sqrtBias2 = Math.Sqrt(1 - Math.Pow(Beta2, t));
            Update(p, _m[i], _v[i], LearningRate / bias1, sqrtBias2);
        }
        StepCount++;
    }

    /// <summary>The update of one parameter, element by element as in the rule above (with
    /// <see cref="KernelSwitch.Fused"/> on, the same arithmetic on SIMD vectors).</summary>
    private void Update(Tensor p, Matrix<double> moment1, Matrix<double> moment2, double stepSize, double sqrtBias2)
    {
        double b1 = Beta1, b2 = Beta2, eps = Eps, wd = WeightDecay, decay = 1 - LearningRate * WeightDecay;
        bool l2 = wd != 0 && !Decoupled, decoupled = wd != 0 && Decoupled;
        if (KernelSwitch.Fused)
        {
            p.AdamStep(moment1, moment2, new(b1, b2, eps, l2 ? wd : 0, decoupled ? decay : 1, stepSize, sqrtBias2));
            return;
        }
        double[] theta = p.Data.AsColumnMajorArray(), grad = p.Grad!.AsColumnMajorArray();
        double[] m = moment1.AsColumnMajorArray(), v = moment2.AsColumnMajorArray();
        for (int k = 0; k < theta.Length; k++)
        {
            double g = grad[k];
            if (decoupled) theta[k] *= decay;
            else if (l2) g += wd * theta[k];
            m[k] = b1 * m[k] + (1 - b1) * g;
            v[k] = b2 * v[k] + (1 - b2) * g * g;
            double denom = Math.Sqrt(v[k]) / sqrtBias2 + eps;
            theta[k] -= stepSize * m[k] / denom;
        }
    }

    /// <inheritdoc/>
    protected override IEnumerable<(string Key, Matrix<double> Buffer)> Buffers() =>
        _m.Select((b, i) => ($"{i}.exp_avg", b)).Concat(_v.Select((b, i) => ($"{i}.exp_avg_sq", b)));
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay θ ← θ(1 − ηλ), as <c>torch.optim.AdamW</c>
/// (default λ = 0.01).
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates AdamW.</summary>
    public AdamW(IEnumerable<Tensor> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2)
        : base(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupled: true)
    {
    }
}
