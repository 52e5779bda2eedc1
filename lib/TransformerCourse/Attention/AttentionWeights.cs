using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Attention;

/// <summary>
/// The attention weights of one batched attention call, kept for visualisation: for sequence b and head h,
/// a T_q×T_k matrix P_bh = softmax(Q_bh K_bhᵀ/√d_k + M_b) whose row i is how much query i attends to each key
/// (entries ≥ 0, each row sums to 1, or to 0 for a fully masked row). Before attention dropout.
/// </summary>
/// <remarks>Conceptually a B×h×T_q×T_k array, PyTorch's <c>need_weights=True, average_attn_weights=False</c>
/// output.</remarks>
public sealed class AttentionWeights
{
    // One array per (b, h) block, index b·h + head, each row-major T_q×T_k (entry i·T_k + j).
    private readonly double[][] _blocks;

    internal AttentionWeights(int batch, int heads, int queryLength, int keyLength, double[][] blocks)
    {
        Batch = batch;
        Heads = heads;
        QueryLength = queryLength;
        KeyLength = keyLength;
        _blocks = blocks;
    }

    /// <summary>B, the number of sequences.</summary>
    public int Batch { get; }

    /// <summary>h, the number of heads.</summary>
    public int Heads { get; }

    /// <summary>T_q, the number of queries per sequence.</summary>
    public int QueryLength { get; }

    /// <summary>T_k, the number of keys per sequence.</summary>
    public int KeyLength { get; }

    /// <summary>The weight query i of sequence b gives key j in head h.</summary>
    public double this[int b, int h, int i, int j] => Block(b, h)[i * KeyLength + j];

    /// <summary>The T_q×T_k weights of sequence b, head h (a copy).</summary>
    public Matrix<double> Get(int b, int h)
    {
        var block = Block(b, h);
        int tk = KeyLength;
        return DenseMatrix.Create(QueryLength, tk, (i, j) => block[i * tk + j]);
    }

    /// <summary>The T_q×T_k weights of sequence b averaged over heads (PyTorch's default
    /// <c>average_attn_weights=True</c>).</summary>
    public Matrix<double> MeanOverHeads(int b)
    {
        var mean = new DenseMatrix(QueryLength, KeyLength);
        for (int h = 0; h < Heads; h++) mean.Add(Get(b, h), mean);
        return mean.Divide(Heads);
    }

    /// <summary>All weights as a B×h×T_q×T_k array (a copy).</summary>
    public double[,,,] ToArray()
    {
        var result = new double[Batch, Heads, QueryLength, KeyLength];
        for (int b = 0; b < Batch; b++)
            for (int h = 0; h < Heads; h++)
            {
                var block = Block(b, h);
                for (int i = 0; i < QueryLength; i++)
                    for (int j = 0; j < KeyLength; j++)
                        result[b, h, i, j] = block[i * KeyLength + j];
            }
        return result;
    }

    private double[] Block(int b, int h)
    {
        if (b < 0 || b >= Batch || h < 0 || h >= Heads)
            throw new ArgumentOutOfRangeException(nameof(b),
                $"AttentionWeights: (sequence {b}, head {h}) is outside B={Batch}, h={Heads}.");
        return _blocks[b * Heads + h];
    }

    /// <inheritdoc/>
    public override string ToString() => $"AttentionWeights(B={Batch}, h={Heads}, T_q={QueryLength}, T_k={KeyLength})";
}
