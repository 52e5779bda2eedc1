namespace TransformerCourse.Optim;

/// <summary>A learning rate as a function of the step number (1, 2, 3, ...).</summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="step"/> (counting from 1).</summary>
    double At(int step);
}

/// <summary>The same learning rate at every step.</summary>
public sealed record ConstantSchedule(double LearningRate) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public double At(int step) => LearningRate;
}

/// <summary>
/// The schedule of "Attention Is All You Need" (§5.3), sometimes called Noam:
/// lr = factor · d_model^−½ · min(step^−½, step · warmup^−³ᐟ²) — a linear warm-up for <c>warmup</c> steps,
/// then decay as 1/√step. The peak, at step = warmup, is factor / √(d_model · warmup).
/// </summary>
public sealed record WarmupSchedule(int DModel, int Warmup, double Factor = 1.0) : ILearningRateSchedule
{
    /// <inheritdoc/>
    public double At(int step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "WarmupSchedule: steps count from 1.");
        if (DModel <= 0 || Warmup <= 0)
            throw new InvalidOperationException($"WarmupSchedule: d_model ({DModel}) and warmup ({Warmup}) must be " +
                $"positive.");
        return Factor * Math.Pow(DModel, -0.5) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(Warmup, -1.5));
    }
}

/// <summary>Linear warm-up from 0 to <c>Peak</c> over <c>Warmup</c> steps, then cosine decay to <c>Floor</c> at
/// <c>Total</c> steps.</summary>
public sealed record WarmupCosineSchedule(double Peak, int Warmup, int Total, double Floor = 0.0)
    : ILearningRateSchedule
{
    /// <inheritdoc/>
    public double At(int step)
    {
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), step, "WarmupCosineSchedule: steps count from 1.");
        if (step <= Warmup) return Peak * step / Warmup;
        if (step >= Total) return Floor;
        double progress = (double)(step - Warmup) / (Total - Warmup);
        return Floor + 0.5 * (Peak - Floor) * (1 + Math.Cos(Math.PI * progress));
    }
}
