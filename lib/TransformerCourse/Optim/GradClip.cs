using TransformerCourse.Autograd;

namespace TransformerCourse.Optim;

/// <summary>Gradient clipping.</summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients together so that their global L2 norm ‖g‖ = √(Σ g²) is at most <paramref name="maxNorm"/>
    /// (as <c>torch.nn.utils.clip_grad_norm_</c>: factor maxNorm / (‖g‖ + 1e-6) when that is below 1).
    /// Returns the norm before clipping. A non-finite norm is an error (the gradients exploded or hold NaN).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "ClipGradNorm: maxNorm must be positive.");
        var withGrad = parameters.Where(p => p.Grad is not null).ToList();
        double sumSq = 0;
        foreach (var p in withGrad) sumSq += p.GradSquaredSum();   // Σ g² of each parameter, in order
        double norm = Math.Sqrt(sumSq);
        if (!double.IsFinite(norm))
            throw new ArithmeticException($"ClipGradNorm: the gradient norm is {norm}; a gradient holds NaN or Inf.");
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1)
        {
            foreach (var p in withGrad) p.ScaleGrad(coef);
        }
        return norm;
    }
}
