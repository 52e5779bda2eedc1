using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;

namespace TransformerCourse.Transformer;

/// <summary>
/// The sinusoidal positional encoding of the paper (§3.5): PE(pos, 2i) = sin(pos / 10000^(2i/d_model)),
/// PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)), added to the (scaled) token embeddings, then dropout.
/// </summary>
/// <remarks>
/// <para>Each pair of columns (2i, 2i+1) is a point on a circle turning with angular speed ω_i = 10000^(−2i/d_model),
/// from one turn every 2π positions (i = 0) to one every 2π·10000. Because sin and cos of (pos + k)·ω are a rotation
/// of those of pos·ω, PE(pos + k) = M_k PE(pos) for a block-diagonal rotation M_k that depends on k only —
/// relative positions are a linear function of absolute ones.</para>
/// <para>No parameters. Shapes: x (B·T)×d_model in the <see cref="SequenceBatch"/> layout; row b·T +
/// t gets PE(t).</para>
/// </remarks>
public sealed class SinusoidalPositionalEncoding : Nn.Module
{
    private readonly Nn.Dropout _dropout;
    private readonly Tensor _table;

    /// <summary>Builds the table for positions 0 … maxLength−1.</summary>
    /// <param name="dModel">d_model (even).</param>
    /// <param name="maxLength">The number of positions in the table.</param>
    /// <param name="dropout">Dropout applied after adding the encoding (training mode only).</param>
    /// <param name="rng">The random source for dropout (needed only when dropout &gt; 0).</param>
    public SinusoidalPositionalEncoding(int dModel, int maxLength = 5000, double dropout = 0.0, Rng? rng = null)
    {
        if (dModel <= 0 || dModel % 2 != 0) throw new ArgumentException("SinusoidalPositionalEncoding: d_model must " +
            $"be positive and even, got {dModel}.");
        if (maxLength <= 0) throw new ArgumentException("SinusoidalPositionalEncoding: maxLength must be positive, " +
            $"got {maxLength}.");
        DModel = dModel;
        Table = Build(maxLength, dModel);
        _table = Tensor.Constant(Table);
        _dropout = RegisterModule("dropout", new Nn.Dropout(dropout, rng ?? new Rng(0)));
    }

    /// <summary>d_model.</summary>
    public int DModel { get; }

    /// <summary>The table PE, maxLength×d_model (row = position).</summary>
    public Matrix<double> Table { get; }

    /// <summary>The maximum number of positions.</summary>
    public int MaxLength => Table.RowCount;

    /// <summary>
    /// The table PE[pos, 2i] = sin(pos·ω_i), PE[pos, 2i+1] = cos(pos·ω_i), ω_i = exp(−2i·ln(10000)/d)
    /// = 10000^(−2i/d); maxLength×d.
    /// </summary>
    public static Matrix<double> Build(int maxLength, int dModel)
    {
        var positions = Vector<double>.Build.Dense(maxLength, pos => pos);                   // 0, 1, …, maxLength−1
        var omega = Vector<double>.Build.Dense(dModel / 2, i => Math.Exp(2 * i * -(Math.Log(10000.0) / dModel)));
        var angles = positions.OuterProduct(omega);                                         // pos·ω_i
        var (sin, cos) = (angles.Map(Math.Sin), angles.Map(Math.Cos));
        var pe = new DenseMatrix(maxLength, dModel);
        for (int i = 0; i < omega.Count; i++)
        {
            // PE[:, 2i]   = sin(pos·ω_i)
            pe.SetColumn(2 * i, sin.Column(i));
            // PE[:, 2i+1] = cos(pos·ω_i)
            pe.SetColumn(2 * i + 1, cos.Column(i));
        }
        return pe;
    }

    /// <summary>
    /// x + PE(t) for every row b·T + t (positions start at <paramref name="startPosition"/>), then dropout.
    /// </summary>
    /// <param name="x">(B·T)×d_model.</param>
    /// <param name="time">T.</param>
    /// <param name="startPosition">The position of t = 0.</param>
    /// <returns>(B·T)×d_model.</returns>
    public Tensor Forward(Tensor x, int time, int startPosition = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != DModel || time <= 0 || x.Rows % time != 0)
            throw new ArgumentException($"SinusoidalPositionalEncoding: input is {x.Shape}; it must be " +
                $"(B·T)×{DModel} with T={time}.");
        if (startPosition < 0 || startPosition + time > MaxLength)
            throw new ArgumentException("SinusoidalPositionalEncoding: positions " +
                $"{startPosition}…{startPosition + time - 1} are beyond the table of {MaxLength}.");
        var positions = Enumerable.Range(0, x.Rows).Select(r => startPosition + r % time).ToArray(); // t of row b·T + t
        var sum = x + _table.GatherRows(positions);                                      // x + PE(t)
        return _dropout.Forward(sum);
    }
}
