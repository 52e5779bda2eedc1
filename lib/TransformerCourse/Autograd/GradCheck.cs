using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Autograd;

/// <summary>The outcome of a gradient check: the worst disagreement between back-propagation
/// and finite differences.</summary>
/// <param name="MaxError">The largest error |analytic − numeric| / max(|analytic|, |numeric|, 1) over
/// all checked elements.</param>
/// <param name="Input">The name (or index) of the input where it occurred.</param>
/// <param name="Row">Its row.</param>
/// <param name="Col">Its column.</param>
/// <param name="Analytic">The gradient back-propagation gave there.</param>
/// <param name="Numeric">The central-difference estimate there.</param>
/// <param name="Checked">How many elements were compared.</param>
public sealed record GradCheckResult(double MaxError, string Input, int Row, int Col, double Analytic, double Numeric,
    int Checked)
{
    /// <summary>Whether the worst error is at most <paramref name="tolerance"/>.</summary>
    public bool Passed(double tolerance = 1e-6) => MaxError <= tolerance;

    /// <inheritdoc/>
    public override string ToString() =>
        $"gradient check over {Checked} elements: worst error {MaxError:E2} at {Input}[{Row},{Col}] " +
        $"(backprop {Analytic:G10}, finite difference {Numeric:G10})";
}

/// <summary>
/// Checks back-propagated gradients against central finite differences,
/// ∂f/∂xₖ ≈ (f(x + h·eₖ) − f(x − h·eₖ)) / 2h, whose error is O(h²).
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Compares the gradient of <paramref name="f"/> with respect to each input against finite differences.
    /// If f returns more than one number, the check uses the scalar Σ f ⊙ W for a fixed random W.
    /// </summary>
    /// <param name="f">Recomputes the output from the inputs' current values; it must be
    /// deterministic (no dropout).</param>
    /// <param name="inputs">Tensors that require a gradient; their values are nudged in place and restored.</param>
    /// <param name="h">The finite-difference step.</param>
    /// <param name="maxElementsPerInput">At most this many elements of each input are checked (spread evenly), to keep
    /// big checks fast.</param>
    public static GradCheckResult Check(Func<Tensor> f, IReadOnlyList<Tensor> inputs, double h = 1e-6,
        int maxElementsPerInput = 200)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(inputs);
        for (int i = 0; i < inputs.Count; i++)
        {
            if (!inputs[i].RequiresGrad)
                throw new ArgumentException($"GradCheck: input {Label(inputs[i], i)} does not require a gradient; " +
                    $"make it with Tensor.Parameter.");
        }

        var probe = f();
        Matrix<double>? weights = null;
        if (probe.Rows != 1 || probe.Cols != 1)
        {
            var w = Tensor.Randn(probe.Rows, probe.Cols, new Rng(12345));
            weights = w.Data;
        }
        Tensor Scalar()
        {
            var y = f();
            return weights is null ? y : y.Mul(Tensor.Constant(weights)).Sum();
        }

        foreach (var x in inputs) x.Grad = null;
        Scalar().Backward();

        var worst = new GradCheckResult(0, "-", 0, 0, 0, 0, 0);
        int checkedCount = 0;
        for (int t = 0; t < inputs.Count; t++)
        {
            var x = inputs[t];
            var analytic = x.Grad?.Clone() ?? Matrix<double>.Build.Dense(x.Rows, x.Cols);
            int total = x.Rows * x.Cols;
            int stride = Math.Max(1, total / Math.Max(1, maxElementsPerInput));
            for (int k = 0; k < total; k += stride)
            {
                int r = k / x.Cols, c = k % x.Cols;
                double orig = x.Data[r, c];
                x.Data[r, c] = orig + h;
                double plus = Scalar().Item();
                x.Data[r, c] = orig - h;
                double minus = Scalar().Item();
                x.Data[r, c] = orig;
                double numeric = (plus - minus) / (2 * h);
                double a = analytic[r, c];
                double err = Math.Abs(a - numeric) / Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(numeric)));
                if (double.IsNaN(err)) err = double.PositiveInfinity;
                checkedCount++;
                if (err > worst.MaxError || worst.Input == "-")
                    worst = new GradCheckResult(err, Label(x, t), r, c, a, numeric, 0);
            }
        }
        return worst with { Checked = checkedCount };
    }

    /// <summary>As <see cref="Check(Func{Tensor}, IReadOnlyList{Tensor}, double, int)"/>, with the
    /// inputs listed inline.</summary>
    public static GradCheckResult Check(Func<Tensor> f, params Tensor[] inputs)
        => Check(f, (IReadOnlyList<Tensor>)inputs);

    private static string Label(Tensor x, int index) => x.Name ?? $"input {index}";
}
