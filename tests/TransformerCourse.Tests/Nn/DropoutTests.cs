using TransformerCourse.Autograd;
using TransformerCourse.Nn;

namespace TransformerCourse.Tests.Nn;

/// <summary>The dropout module: inverted dropout while training (kept values scaled by 1/(1−p)),
/// identity in evaluation.</summary>
public class DropoutTests
{
    [Fact]
    public void TrainingZeroesOrScalesEvaluationPassesThrough()
    {
        var dropout = new Dropout(0.25, new Rng(3));
        var x = Tensor.Constant(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(40, 50, 3.0));
        var y = dropout.Forward(x).Data.Enumerate().ToList();
        Assert.All(y, v => Assert.True(v == 0 || Math.Abs(v - 4.0) < 1e-15, $"{v} is neither 0 nor 3/(1 − 0.25) = 4"));
        double dropped = y.Count(v => v == 0) / (double)y.Count;
        Assert.InRange(dropped, 0.2, 0.3);                    // 2,000 draws with p = 0.25: σ ≈ 0.01
        dropout.Eval();
        Assert.Same(x, dropout.Forward(x));
        Assert.Empty(dropout.Parameters());
    }

    [Fact]
    public void SameSeedSameMaskAndPOutsideZeroOneIsRejected()
    {
        var x = Tensor.Constant(MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(4, 5, 1.0));
        Assert.Equal(new Dropout(0.5, new Rng(9)).Forward(x).Data, new Dropout(0.5, new Rng(9)).Forward(x).Data);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.0, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1, new Rng(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(double.NaN, new Rng(1)));
    }
}
