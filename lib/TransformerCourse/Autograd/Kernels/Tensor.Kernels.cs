using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Autograd.Kernels;

// The engine room of Tensor, kept apart from the readable Tensor.cs: how gradients are added up
// without needless copies,
// the per-operation profiler, and the SIMD fast path of Add and Sub. A part of the Tensor class, so it is declared in
// Tensor's namespace although it lives in the Kernels folder.
namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    private Matrix<double>? _grad;

    /// <summary>
    /// Whether <see cref="Grad"/> is another tensor's gradient matrix, which must not be written in place: an
    /// intermediate tensor may share its gradient matrix with the tensor it was computed for (both inputs of a sum
    /// receive the sum's gradient as it is); the matrix is copied before anything adds to it.
    /// </summary>
    private bool _gradShared;

    private void SetGrad(Matrix<double>? value)
    {
        _grad = value;
        _gradShared = false;
    }

    /// <summary>
    /// When set, every operation built on this thread records its time there (see <see cref="OpProfile"/>); null (the
    /// default) records nothing. Per thread, so that profiling one computation does not see another's.
    /// </summary>
    public static OpProfile? Profile
    {
        get => _profile;
        set => _profile = value;
    }

    [ThreadStatic]
    private static OpProfile? _profile;

    /// <summary>Σ g² over the entries of <see cref="Grad"/> (0 without a gradient): what a global gradient
    /// norm adds up.</summary>
    internal double GradSquaredSum() => Grad is { } g ? Simd.Dot(g.AsColumnMajorArray(), g.AsColumnMajorArray()) : 0;

    /// <summary>One Adam step of this parameter (values and gradient) with its moments m and v, in place (the rule is
    /// in <c>Optim/Adam.cs</c>; <see cref="Simd.AdamUpdate"/>).</summary>
    internal void AdamStep(Matrix<double> m, Matrix<double> v, AdamCoefficients c) =>
        Simd.AdamUpdate(Data.AsColumnMajorArray(), Grad!.AsColumnMajorArray(), m.AsColumnMajorArray(),
            v.AsColumnMajorArray(), c);

    /// <summary>The backward rule, timed when <see cref="Profile"/> is set (and the forward time recorded).</summary>
    private static Action<Matrix<double>> Profiled(string op, Action<Matrix<double>> backward) =>
        _profile is { } profile ? profile.Record(op, backward) : backward;

    /// <summary>
    /// Adds <paramref name="g"/>, which the caller keeps (typically the gradient of the result
    /// being back-propagated), into
    /// <see cref="Grad"/>. The first gradient of an intermediate tensor is kept as it is, shared, not copied: in
    /// <c>x + y</c> both x and y receive the sum's gradient unchanged, and most tensors receive one gradient only.
    /// A leaf (a parameter) gets its own copy, since it accumulates over steps.
    /// </summary>
    internal void AddGrad(Matrix<double> g)
    {
        if (!RequiresGrad) return;
        if (_grad is null)
        {
            if (_backward is not null)
            {
                _grad = g;
                _gradShared = true;
            }
            else
            {
                _grad = g.Clone();
            }
        }
        else if (_gradShared)
        {
            _grad = Sum(_grad, g); // copy on write
            _gradShared = false;
        }
        else
        {
            AddInto(_grad, g);
        }
    }

    /// <summary>target += g (SIMD for dense matrices).</summary>
    private static void AddInto(Matrix<double> target, Matrix<double> g)
    {
        if (target is DenseMatrix t && g is DenseMatrix d) Simd.Add(t.Values, d.Values, t.Values);
        else target.Add(g, target);
    }

    /// <summary>A new matrix a + b.</summary>
    private static Matrix<double> Sum(Matrix<double> a, Matrix<double> b)
    {
        if (a is not DenseMatrix da || b is not DenseMatrix db) return a + b;
        var values = GC.AllocateUninitializedArray<double>(da.Values.Length);
        Simd.Add(da.Values, db.Values, values);
        return new DenseMatrix(a.RowCount, a.ColumnCount, values);
    }

    /// <summary>
    /// Adds a freshly allocated gradient that no one else holds: it may be kept without a copy, or added to.
    /// </summary>
    internal void AddGradOwned(Matrix<double> g)
    {
        if (!RequiresGrad) return;
        if (_grad is null)
        {
            _grad = g;
        }
        else if (_gradShared)
        {
            AddInto(g, _grad);
            _grad = g;
            _gradShared = false;
        }
        else
        {
            AddInto(_grad, g);
        }
    }

    /// <summary>
    /// The gradient buffer, for operations that accumulate into it directly: created as zeros when absent, and copied
    /// first when it is shared.
    /// </summary>
    internal Matrix<double> GradBuffer()
    {
        if (_gradShared)
        {
            _grad = _grad!.Clone();
            _gradShared = false;
        }
        return _grad ??= new DenseMatrix(Rows, Cols);
    }

    /// <summary>Grad ← s·Grad, in place (after copying a shared gradient).</summary>
    internal void ScaleGrad(double s)
    {
        if (_grad is null) return;
        var g = GradBuffer();
        g.Multiply(s, g);
    }

    /// <summary>Sets the gradient to zero (keeping the buffer, so no memory is allocated in training loops).</summary>
    public void ZeroGrad()
    {
        if (_gradShared) Grad = new DenseMatrix(Rows, Cols);
        else _grad?.Clear();
    }

    /// <summary>
    /// a + s·b for the two shapes that dominate training: equal shapes (residual connections) and an n×c matrix plus a
    /// 1×c row (biases). Null for other shapes, which take the general broadcasting path.
    /// </summary>
    private static Tensor? AddFast(string op, Tensor a, Tensor b, double s)
    {
        int rows = a.Rows, cols = a.Cols;
        ArgumentNullException.ThrowIfNull(b);
        bool same = b.Rows == rows && b.Cols == cols;
        bool bias = b.Rows == 1 && b.Cols == cols && rows > 1;
        if (!same && !bias) return null;
        var av = Shapes.Values(a.Data);
        var bv = Shapes.Values(b.Data);
        var outv = GC.AllocateUninitializedArray<double>(rows * cols); // every entry is written below
        if (same) Simd.AddScaled(av, s, bv, outv);
        else
        {
            for (int j = 0; j < cols; j++) Simd.AddScalar(av.AsSpan(j * rows, rows), s * bv[j], outv.AsSpan(j * rows,
                rows));
        }
        return FromOp(Shapes.Wrap(rows, cols, outv), op, [a, b], g =>
        {
            a.AddGrad(g);
            if (!b.RequiresGrad) return;
            if (same)
            {
                if (s == 1.0) b.AddGrad(g);
                else b.AddGradOwned(g.Multiply(s));
                return;
            }
            var gv = Shapes.Values(g);
            var gb = Shapes.Values(b.GradBuffer());
            for (int j = 0; j < cols; j++) gb[j] += s * Simd.Sum(gv.AsSpan(j * rows, rows));
        });
    }
}
