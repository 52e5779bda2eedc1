using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    // Element-wise binary operations with broadcasting: each dimension must match or be 1 on one side,
    // so (n×d) + (1×d) adds a bias row to every row, (n×d) * (n×1) scales each row, (1×1) is a scalar.
    // The gradient of a broadcast operand is summed over the dimensions it was stretched along.

    /// <summary>Element-wise sum a + b, broadcasting 1×c rows, r×1 columns and 1×1 scalars.</summary>
    public Tensor Add(Tensor other) =>
        (KernelSwitch.Fused ? AddFast("Add", this, other, 1.0) : null) // the same numbers, SIMD
        ?? Binary("Add", this, other, (x, y) => x + y, (x, y, g) => g, (x, y, g) => g);

    /// <summary>Element-wise difference a − b, with the broadcasting of <see cref="Add"/>.</summary>
    public Tensor Sub(Tensor other) =>
        (KernelSwitch.Fused ? AddFast("Sub", this, other, -1.0) : null)
        ?? Binary("Sub", this, other, (x, y) => x - y, (x, y, g) => g, (x, y, g) => -g);

    /// <summary>Element-wise (Hadamard) product a ⊙ b, with the broadcasting of <see cref="Add"/>.</summary>
    public Tensor Mul(Tensor other) =>
        Binary("Mul", this, other, (x, y) => x * y, (x, y, g) => g * y, (x, y, g) => g * x);

    /// <summary>Element-wise quotient a ⊘ b, with the broadcasting of <see cref="Add"/>.</summary>
    public Tensor Div(Tensor other) =>
        Binary("Div", this, other, (x, y) => x / y, (x, y, g) => g / y, (x, y, g) => -g * x / (y * y));

    /// <summary>a + b (see <see cref="Add"/>).</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);

    /// <summary>a − b (see <see cref="Sub"/>).</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);

    /// <summary>−a.</summary>
    public static Tensor operator -(Tensor a) => a.Scale(-1.0);

    /// <summary>s·a.</summary>
    public static Tensor operator *(double s, Tensor a) => a.Scale(s);

    /// <summary>a·s.</summary>
    public static Tensor operator *(Tensor a, double s) => a.Scale(s);

    /// <summary>a / s.</summary>
    public static Tensor operator /(Tensor a, double s) => a.Scale(1.0 / s);

    /// <summary>a + s, added to every element.</summary>
    public static Tensor operator +(Tensor a, double s) => a.AddScalar(s);

    /// <summary>s·this.</summary>
    public Tensor Scale(double s)
    {
        var data = Data.Multiply(s);
        var self = this;
        return FromOp(data, "Scale", [this], g => self.AddGradOwned(g.Multiply(s)));
    }

    /// <summary>this + s, element-wise.</summary>
    public Tensor AddScalar(double s)
    {
        var data = Data.Add(s);
        var self = this;
        return FromOp(data, "AddScalar", [this], g => self.AddGrad(g));
    }

    private static Tensor Binary(
        string op, Tensor a, Tensor b,
        Func<double, double, double> f,
        Func<double, double, double, double> dfa,
        Func<double, double, double, double> dfb)
    {
        int rows = Broadcast(op, a.Rows, b.Rows, a, b);
        int cols = Broadcast(op, a.Cols, b.Cols, a, b);
        var av = Shapes.Values(a.Data);
        var bv = Shapes.Values(b.Data);
        var outv = new double[rows * cols];

        if (a.Rows == b.Rows && a.Cols == b.Cols)
        {
            for (int k = 0; k < outv.Length; k++) outv[k] = f(av[k], bv[k]);
            var data = Shapes.Wrap(rows, cols, outv);
            return FromOp(data, op, [a, b], g =>
            {
                var gv = Shapes.Values(g);
                if (a.RequiresGrad)
                {
                    var ga = new double[outv.Length];
                    for (int k = 0; k < ga.Length; k++) ga[k] = dfa(av[k], bv[k], gv[k]);
                    a.AddGradOwned(Shapes.Wrap(rows, cols, ga));
                }
                if (b.RequiresGrad)
                {
                    var gb = new double[outv.Length];
                    for (int k = 0; k < gb.Length; k++) gb[k] = dfb(av[k], bv[k], gv[k]);
                    b.AddGradOwned(Shapes.Wrap(rows, cols, gb));
                }
            });
        }

        int ar = a.Rows, br = b.Rows;
        bool aRow1 = a.Rows == 1, aCol1 = a.Cols == 1, bRow1 = b.Rows == 1, bCol1 = b.Cols == 1;
        for (int j = 0; j < cols; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                double x = av[(aRow1 ? 0 : i) + (aCol1 ? 0 : j) * ar];
                double y = bv[(bRow1 ? 0 : i) + (bCol1 ? 0 : j) * br];
                outv[i + j * rows] = f(x, y);
            }
        }
        var result = Shapes.Wrap(rows, cols, outv);
        return FromOp(result, op, [a, b], g =>
        {
            var gv = Shapes.Values(g);
            var ga = a.RequiresGrad ? new double[av.Length] : null;
            var gb = b.RequiresGrad ? new double[bv.Length] : null;
            for (int j = 0; j < cols; j++)
            {
                for (int i = 0; i < rows; i++)
                {
                    int ia = (aRow1 ? 0 : i) + (aCol1 ? 0 : j) * ar;
                    int ib = (bRow1 ? 0 : i) + (bCol1 ? 0 : j) * br;
                    double x = av[ia], y = bv[ib], gk = gv[i + j * rows];
                    if (ga is not null) ga[ia] += dfa(x, y, gk);
                    if (gb is not null) gb[ib] += dfb(x, y, gk);
                }
            }
            if (ga is not null) a.AddGradOwned(Shapes.Wrap(a.Rows, a.Cols, ga));
            if (gb is not null) b.AddGradOwned(Shapes.Wrap(b.Rows, b.Cols, gb));
        });
    }

    private static int Broadcast(string op, int n, int m, Tensor a, Tensor b)
    {
        if (n == m) return n;
        if (n == 1) return m;
        if (m == 1) return n;
        throw new ArgumentException(
            $"{op}: left is {a.Shape}, right is {b.Shape}; each dimension must match or be 1 (broadcast).");
    }
}
