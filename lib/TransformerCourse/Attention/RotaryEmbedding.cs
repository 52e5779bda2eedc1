using TransformerCourse.Autograd;

namespace TransformerCourse.Attention;

/// <summary>
/// Rotary position embedding, RoPE (Su et al. 2021, "RoFormer"): instead of adding a position vector to the input,
/// rotate each query and key by an angle proportional to its position. Features are taken in pairs
/// (x_{2i}, x_{2i+1}), i = 0 … d/2−1, and the pair at position m is rotated by m·θ_i, θ_i = base^(−2i/d):
/// x'_{2i} = x_{2i} cos mθ_i − x_{2i+1} sin mθ_i,  x'_{2i+1} = x_{2i} sin mθ_i + x_{2i+1} cos mθ_i.
/// </summary>
/// <remarks>
/// <para>Rotations keep lengths (|x'| = |x|), and a rotation by mθ dotted with one by nθ depends only on n − m:
/// (R_m q)·(R_n k) = q·(R_{n−m} k). So attention scores see only the <i>relative</i> position of query and key.</para>
/// <para>It has no parameters. <see cref="MultiHeadAttention"/> applies it to every head's Q and K
/// when given one.</para>
/// </remarks>
public sealed class RotaryEmbedding
{
    /// <summary>Creates RoPE for vectors of size <paramref name="dim"/> (d_k per head; must be even).</summary>
    public RotaryEmbedding(int dim, double theta = 10000.0)
    {
        if (dim <= 0 || dim % 2 != 0)
            throw new ArgumentException($"RotaryEmbedding: the dimension must be positive and even, got {dim}.");
        if (!(theta > 1))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, "RotaryEmbedding: the base must be > 1.");
        Dim = dim;
        Base = theta;
    }

    /// <summary>d, the size of each rotated vector (one head).</summary>
    public int Dim { get; }

    /// <summary>The base of the frequencies θ_i = base^(−2i/d) (10000 in the paper).</summary>
    public double Base { get; }

    /// <summary>The angle m·θ_i of pair i at position m.</summary>
    public double Angle(int position, int pair) => position * Math.Pow(Base, -2.0 * pair / Dim);

    /// <summary>
    /// Rotates every row of a batch: row b·T + t is at position <paramref name="startPosition"/> + t, and each of its
    /// <paramref name="heads"/> column blocks of width d is rotated separately.
    /// </summary>
    /// <param name="x">(B·T)×(h·d).</param>
    /// <param name="time">T, the positions per sequence.</param>
    /// <param name="heads">h, the number of column blocks.</param>
    /// <param name="startPosition">The position of t = 0 (e.g. when decoding one step at a time).</param>
    /// <returns>(B·T)×(h·d), rotated.</returns>
    public Tensor Apply(Tensor x, int time, int heads = 1, int startPosition = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (time <= 0 || x.Rows % time != 0 || x.Cols != heads * Dim)
            throw new ArgumentException($"RotaryEmbedding: input is {x.Shape}; it must be (B·T)×(h·d) with T={time}, " +
                $"h={heads}, d={Dim}.");
        int n = x.Rows, half = Dim / 2;
        var cos = new double[time * half];
        var sin = new double[time * half];
        for (int t = 0; t < time; t++)
        {
            for (int i = 0; i < half; i++)
            {
                double a = Angle(startPosition + t, i);
                cos[t * half + i] = Math.Cos(a);
                sin[t * half + i] = Math.Sin(a);
            }
        }
        var xv = Shapes.Values(x.Data);
        var y = new double[xv.Length];
        Rotate(xv, y, n, heads, half, time, cos, sin, inverse: false);
        return Tensor.FromOp(Shapes.Wrap(n, x.Cols, y), "RotaryEmbedding", [x], g =>
        {
            // The transpose of a rotation is the rotation by the opposite angle.
            var gx = new double[xv.Length];
            Rotate(Shapes.Values(g), gx, n, heads, half, time, cos, sin, inverse: true);
            x.AddGradOwned(Shapes.Wrap(n, x.Cols, gx));
        });
    }

    private static void Rotate(double[] src, double[] dst, int n, int heads, int half, int time,
        double[] cos, double[] sin, bool inverse)
    {
        double sign = inverse ? -1.0 : 1.0;
        for (int h = 0; h < heads; h++)
        {
            for (int i = 0; i < half; i++)
            {
                int c0 = (h * 2 * half + 2 * i) * n, c1 = c0 + n; // columns 2i and 2i+1 of head h
                for (int r = 0; r < n; r++)
                {
                    int ti = (r % time) * half + i;
                    double c = cos[ti], s = sign * sin[ti];
                    double a = src[c0 + r], b = src[c1 + r];
                    dst[c0 + r] = a * c - b * s;
                    dst[c1 + r] = a * s + b * c;
                }
            }
        }
    }
}
