using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd;

namespace TransformerCourse.Nn;

/// <summary>
/// Weight initialisers, each drawing from a seeded <see cref="Rng"/> in row-major order.
/// fan_in and fan_out of a rows×cols weight stored as PyTorch does (out×in) are cols and rows.
/// </summary>
public static class Init
{
    /// <summary>U(low, high) entries.</summary>
    public static Tensor Uniform(int rows, int cols, double low, double high, Rng rng) =>
        Tensor.Parameter(Tensor.Rand(rows, cols, rng, low, high).Data);

    /// <summary>N(mean, std²) entries.</summary>
    public static Tensor Normal(int rows, int cols, double mean, double std, Rng rng)
    {
        var t = Tensor.Randn(rows, cols, rng, std);
        if (mean != 0) t.Data.Add(mean, t.Data);
        return Tensor.Parameter(t.Data);
    }

    /// <summary>Xavier/Glorot uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(int rows, int cols, Rng rng, double gain = 1.0)
    {
        double a = gain * Math.Sqrt(6.0 / (rows + cols));
        return Uniform(rows, cols, -a, a, rng);
    }

    /// <summary>Xavier/Glorot normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(int rows, int cols, Rng rng, double gain = 1.0) =>
        Normal(rows, cols, 0, gain * Math.Sqrt(2.0 / (rows + cols)), rng);

    /// <summary>He/Kaiming uniform for ReLU layers: U(−a, a) with a = √(6 / fan_in), fan_in = cols.</summary>
    public static Tensor HeUniform(int rows, int cols, Rng rng)
    {
        double a = Math.Sqrt(6.0 / cols);
        return Uniform(rows, cols, -a, a, rng);
    }

    /// <summary>He/Kaiming normal for ReLU layers: N(0, 2 / fan_in), fan_in = cols.</summary>
    public static Tensor HeNormal(int rows, int cols, Rng rng) => Normal(rows, cols, 0, Math.Sqrt(2.0 / cols), rng);

    /// <summary>A parameter of zeros.</summary>
    public static Tensor Zeros(int rows, int cols) => Tensor.Parameter(new DenseMatrix(rows, cols));

    /// <summary>A parameter of ones.</summary>
    public static Tensor Ones(int rows, int cols) => Tensor.Parameter(DenseMatrix.Create(rows, cols, 1.0));
}
