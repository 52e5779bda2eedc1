using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;

namespace TransformerCourse.Autograd;

/// <summary>
/// A matrix that remembers how it was made, so that <see cref="Backward()"/> can fill in the
/// gradient of a scalar with respect to everything upstream (reverse-mode automatic differentiation,
/// as in micrograd, but on whole matrices).
/// </summary>
/// <remarks>
/// <para>Every tensor is 2-D: <see cref="Data"/> is a dense <c>rows×cols</c> <see cref="Matrix{T}"/>
/// of doubles. The course's layout for a batch of sequences is (batch·time)×features: row <c>b·T + t</c>
/// holds token <c>t</c> of sequence <c>b</c>; attention heads are column blocks of width d_k.</para>
/// <para>An operation on tensors returns a new tensor that records its parents and a rule to pass
/// gradients back to them. Only tensors that need a gradient (parameters, and anything computed from
/// one) record this; inside <see cref="NoGrad"/> nothing does.</para>
/// </remarks>
public sealed partial class Tensor
{
    private static readonly AsyncLocal<int> NoGradDepth = new();
    private static readonly Tensor[] NoParents = Array.Empty<Tensor>();

    private readonly Tensor[] _parents;
    private readonly Action<Matrix<double>>? _backward;

    /// <summary>Wraps a matrix as a tensor. The matrix is used as it is, not copied.</summary>
    /// <param name="data">The values; a non-dense matrix is converted to a dense one.</param>
    /// <param name="requiresGrad">Whether gradients flow into this tensor (true for parameters).</param>
    /// <param name="name">An optional name, shown in error messages and gradient-check reports.</param>
    public Tensor(Matrix<double> data, bool requiresGrad = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data as DenseMatrix ?? DenseMatrix.OfMatrix(data);
        RequiresGrad = requiresGrad;
        Name = name;
        Op = "leaf";
        _parents = NoParents;
    }

    private Tensor(Matrix<double> data, string op, Tensor[] parents, Action<Matrix<double>> backward)
    {
        Data = data;
        Op = op;
        RequiresGrad = true;
        _parents = parents;
        _backward = backward;
    }

    /// <summary>The values, a dense rows×cols matrix (column-major storage).</summary>
    public Matrix<double> Data { get; }

    /// <summary>
    /// ∂loss/∂this, the same shape as <see cref="Data"/>, filled by <see cref="Backward()"/>;
    /// null until a gradient has reached this tensor.
    /// </summary>
    /// <remarks>How gradients are added up without needless copies is in <c>Autograd/Kernels/Tensor.Kernels.cs</c>
    /// (<c>AddGrad</c>, <c>AddGradOwned</c>, <c>GradBuffer</c>).</remarks>
    public Matrix<double>? Grad
    {
        get => _grad;
        set => SetGrad(value);
    }

    /// <summary>Whether gradients flow into this tensor.</summary>
    public bool RequiresGrad { get; }

    /// <summary>An optional name, used in messages.</summary>
    public string? Name { get; set; }

    /// <summary>The operation that made this tensor ("leaf" for one made from data).</summary>
    public string Op { get; }

    /// <summary>Number of rows.</summary>
    public int Rows => Data.RowCount;

    /// <summary>Number of columns.</summary>
    public int Cols => Data.ColumnCount;

    /// <summary>The shape as text, "rows×cols".</summary>
    public string Shape => $"{Rows}×{Cols}";

    /// <summary>The element at (row, col).</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public double this[int row, int col] => Data[row, col];

    /// <summary>Whether operations currently record gradients (false inside <see cref="NoGrad"/>).</summary>
    public static bool IsGradEnabled => NoGradDepth.Value == 0;

    /// <summary>
    /// Turns gradient recording off until the returned scope is disposed:
    /// <c>using (Tensor.NoGrad()) { ... }</c>. Use it for evaluation and decoding: it is faster and keeps no graph.
    /// </summary>
    public static IDisposable NoGrad()
    {
        NoGradDepth.Value++;
        return new NoGradScope();
    }

    private sealed class NoGradScope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            NoGradDepth.Value--;
        }
    }

    // ---- construction ------------------------------------------------------------------------

    /// <summary>A trainable tensor (requires a gradient) wrapping <paramref name="data"/>.</summary>
    public static Tensor Parameter(Matrix<double> data, string? name = null) => new(data, true, name);

    /// <summary>A constant tensor (no gradient) wrapping <paramref name="data"/>.</summary>
    public static Tensor Constant(Matrix<double> data, string? name = null) => new(data, false, name);

    /// <summary>A tensor from a 2-D array (copied).</summary>
    public static Tensor FromArray(double[,] values, bool requiresGrad = false, string? name = null) =>
        new(DenseMatrix.OfArray(values), requiresGrad, name);

    /// <summary>A tensor from row arrays (copied); every row must have the same length.</summary>
    public static Tensor FromRows(double[][] rows, bool requiresGrad = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length == 0) throw new ArgumentException("FromRows: no rows given.", nameof(rows));
        int cols = rows[0].Length;
        for (int i = 1; i < rows.Length; i++)
        {
            if (rows[i].Length != cols)
                throw new ArgumentException($"FromRows: row 0 has {cols} values but row {i} has " +
                    $"{rows[i].Length}.", nameof(rows));
        }
        return new(DenseMatrix.OfRowArrays(rows), requiresGrad, name);
    }

    /// <summary>A 1×n row tensor from values (copied).</summary>
    public static Tensor Row(params double[] values) => new(DenseMatrix.OfRowArrays(values));

    /// <summary>A 1×1 tensor holding one number.</summary>
    public static Tensor Scalar(double value, bool requiresGrad = false) =>
        new(DenseMatrix.Create(1, 1, value), requiresGrad);

    /// <summary>A rows×cols tensor of zeros.</summary>
    public static Tensor Zeros(int rows, int cols, bool requiresGrad = false) =>
        new(new DenseMatrix(rows, cols), requiresGrad);

    /// <summary>A rows×cols tensor of ones.</summary>
    public static Tensor Ones(int rows, int cols, bool requiresGrad = false) =>
        new(DenseMatrix.Create(rows, cols, 1.0), requiresGrad);

    /// <summary>A rows×cols tensor of N(0, std²) samples from <paramref name="rng"/>.</summary>
    public static Tensor Randn(int rows, int cols, Rng rng, double std = 1.0, bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var m = new DenseMatrix(rows, cols);
        // Fill row by row so that the numbers read in the same order as PyTorch's row-major tensors.
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = std * rng.NextGaussian();
        return new(m, requiresGrad);
    }

    /// <summary>A rows×cols tensor of U(low, high) samples from <paramref name="rng"/>.</summary>
    public static Tensor Rand(int rows, int cols, Rng rng, double low = 0.0, double high = 1.0,
        bool requiresGrad = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var m = new DenseMatrix(rows, cols);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = rng.NextUniform(low, high);
        return new(m, requiresGrad);
    }

    /// <summary>
    /// Makes the result of an operation. When no parent needs a gradient, or recording is off,
    /// the result is a plain constant and the backward rule is dropped.
    /// </summary>
    internal static Tensor FromOp(Matrix<double> data, string op, Tensor[] parents, Action<Matrix<double>> backward)
    {
        backward = Profiled(op, backward);
        if (IsGradEnabled)
        {
            foreach (var p in parents)
            {
                if (p.RequiresGrad) return new Tensor(data, op, parents, backward);
            }
        }
        return new Tensor(data);
    }

    // ---- backward ----------------------------------------------------------------------------

    /// <summary>
    /// Back-propagates from this 1×1 tensor (a loss): fills <see cref="Grad"/> of every tensor upstream
    /// with ∂this/∂that, adding to gradients already there (call <c>ZeroGrad</c> between steps).
    /// </summary>
    public void Backward()
    {
        if (Rows != 1 || Cols != 1)
            throw new InvalidOperationException(
                "Backward: only a 1×1 tensor (a loss) can start back-propagation without a seed; " +
                $"this one is {Shape}. " +
                "Reduce it first (Sum(), Mean()) or call Backward(seed).");
        Backward(DenseMatrix.Create(1, 1, 1.0));
    }

    /// <summary>Back-propagates from this tensor with ∂loss/∂this = <paramref name="seed"/> (same shape).</summary>
    public void Backward(Matrix<double> seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (seed.RowCount != Rows || seed.ColumnCount != Cols)
            throw new ArgumentException($"Backward: seed is {seed.RowCount}×{seed.ColumnCount}, tensor is " +
                $"{Shape}.", nameof(seed));
        if (!RequiresGrad)
            throw new InvalidOperationException(
                "Backward: this tensor does not depend on any parameter (nothing requires a gradient), " +
                "or it was computed inside Tensor.NoGrad().");

        var order = TopologicalOrder();
        // An intermediate's Grad carries this pass's gradient only; what an earlier backward left there
        // (the same graph twice, or two losses sharing a node) must not be passed on again. Leaves accumulate.
        foreach (var node in order)
        {
            if (node._backward is not null) node.Grad = null;
        }
        var dense = Shapes.Dense(seed);
        AddGradOwned(ReferenceEquals(dense, seed) ? dense.Clone() : dense); // the caller's seed is never written to
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var node = order[i];
            if (node._backward is not null && node.Grad is not null) node._backward(node.Grad);
        }
    }

    /// <summary>
    /// The tensors this one depends on, each after all of its parents (iterative depth-first search).
    /// </summary>
    private List<Tensor> TopologicalOrder()
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Node, int Next)>();
        stack.Push((this, 0));
        visited.Add(this);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < node._parents.Length)
            {
                stack.Push((node, next + 1));
                var parent = node._parents[next];
                if (parent.RequiresGrad && visited.Add(parent)) stack.Push((parent, 0));
            }
            else
            {
                order.Add(node);
            }
        }
        return order;
    }

    /// <summary>A constant tensor with the same values (shared, not copied) and no history.</summary>
    public Tensor Detach() => new(Data, false, Name);

    /// <summary>The value of a 1×1 tensor.</summary>
    public double Item()
    {
        if (Rows != 1 || Cols != 1)
            throw new InvalidOperationException($"Item: the tensor is {Shape}, not 1×1.");
        return Data[0, 0];
    }

    /// <summary>The values as a row-major 2-D array (a copy).</summary>
    public double[,] ToArray() => Data.ToArray();

    /// <inheritdoc/>
    public override string ToString()
    {
        string name = Name is null ? "" : $" '{Name}'";
        string grad = RequiresGrad ? (Op == "leaf" ? ", parameter" : $", from {Op}") : "";
        return $"Tensor{name} {Shape}{grad}\n{Data.ToMatrixString(8, 8, "G4")}";
    }
}
