using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>The transpose, cols×rows.</summary>
    public Tensor T()
    {
        var self = this;
        return FromOp(Data.Transpose(), "Transpose", [this], g => self.AddGradOwned(g.Transpose()));
    }

    /// <summary>Rows [start, start+count) as a count×cols tensor (e.g. one sequence of a batch).</summary>
    public Tensor SliceRows(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Rows)
            throw new ArgumentException($"SliceRows: rows [{start}, {start + count}) are outside a {Shape} tensor.");
        var self = this;
        var data = Data.SubMatrix(start, count, 0, Cols);
        return FromOp(data, "SliceRows", [this], g =>
        {
            var buf = self.GradBuffer();
            var gv = Shapes.Values(g);
            var bv = Shapes.Values(buf);
            int rows = self.Rows;
            for (int j = 0; j < self.Cols; j++)
                for (int i = 0; i < count; i++)
                    bv[start + i + j * rows] += gv[i + j * count];
        });
    }

    /// <summary>Columns [start, start+count) as a rows×count tensor (e.g. one attention head).</summary>
    public Tensor SliceCols(int start, int count)
    {
        if (start < 0 || count < 0 || start + count > Cols)
            throw new ArgumentException($"SliceCols: columns [{start}, {start + count}) are outside a {Shape} tensor.");
        var self = this;
        int rows = Rows;
        var values = new double[rows * count];
        Array.Copy(Shapes.Values(Data), start * rows, values, 0, rows * count);
        return FromOp(Shapes.Wrap(rows, count, values), "SliceCols", [this], g =>
        {
            var bv = Shapes.Values(self.GradBuffer());
            var gv = Shapes.Values(g);
            int offset = start * rows;
            for (int k = 0; k < gv.Length; k++) bv[offset + k] += gv[k];
        });
    }

    /// <summary>Stacks tensors with the same number of columns on top of each other: (Σ rows)×cols.</summary>
    public static Tensor ConcatRows(params Tensor[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("ConcatRows: no tensors given.");
        int cols = parts[0].Cols;
        int rows = 0;
        foreach (var p in parts)
        {
            if (p.Cols != cols)
                throw new ArgumentException($"ConcatRows: shapes {string.Join(", ", parts.Select(x => x.Shape))}; " +
                    $"all must have {cols} columns.");
            rows += p.Rows;
        }
        var data = Shapes.Dense(rows, cols);
        int r0 = 0;
        foreach (var p in parts)
        {
            data.SetSubMatrix(r0, 0, p.Data);
            r0 += p.Rows;
        }
        return FromOp(data, "ConcatRows", parts, g =>
        {
            int start = 0;
            foreach (var p in parts)
            {
                if (p.RequiresGrad) p.AddGradOwned(g.SubMatrix(start, p.Rows, 0, cols));
                start += p.Rows;
            }
        });
    }

    /// <summary>Places tensors with the same number of rows side by side: rows×(Σ cols)
    /// (e.g. concatenating heads).</summary>
    public static Tensor ConcatCols(params Tensor[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("ConcatCols: no tensors given.");
        int rows = parts[0].Rows;
        int cols = 0;
        foreach (var p in parts)
        {
            if (p.Rows != rows)
                throw new ArgumentException($"ConcatCols: shapes {string.Join(", ", parts.Select(x => x.Shape))}; " +
                    $"all must have {rows} rows.");
            cols += p.Cols;
        }
        var values = new double[rows * cols];
        int offset = 0;
        foreach (var p in parts)
        {
            var pv = Shapes.Values(p.Data);
            Array.Copy(pv, 0, values, offset, pv.Length);
            offset += pv.Length;
        }
        return FromOp(Shapes.Wrap(rows, cols, values), "ConcatCols", parts, g =>
        {
            var gv = Shapes.Values(g);
            int start = 0;
            foreach (var p in parts)
            {
                int len = p.Rows * p.Cols;
                if (p.RequiresGrad)
                {
                    var part = new double[len];
                    Array.Copy(gv, start, part, 0, len);
                    p.AddGradOwned(Shapes.Wrap(p.Rows, p.Cols, part));
                }
                start += len;
            }
        });
    }

    /// <summary>
    /// Looks up rows: result row i is this tensor's row <c>indices[i]</c> (an embedding lookup; this is the V×d table).
    /// The gradient of a row used several times is the sum of its uses.
    /// </summary>
    /// <param name="indices">Row numbers in [0, rows).</param>
    /// <param name="paddingIndex">If set, that row never receives a gradient (PyTorch's <c>padding_idx</c>).</param>
    public Tensor GatherRows(IReadOnlyList<int> indices, int? paddingIndex = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int n = indices.Count, cols = Cols, rows = Rows;
        var tv = Shapes.Values(Data);
        var values = GC.AllocateUninitializedArray<double>(n * cols);
        var idx = new int[n];
        for (int i = 0; i < n; i++)
        {
            int r = indices[i];
            if (r < 0 || r >= rows)
                throw new ArgumentException($"GatherRows: index {r} at position {i} is outside [0, {rows}) for " +
                    $"a {Shape} table.");
            idx[i] = r;
        }
        // Column by column (the storage order of both matrices).
        for (int j = 0; j < cols; j++)
        {
            var dst = values.AsSpan(j * n, n);
            var src = tv.AsSpan(j * rows, rows);
            for (int i = 0; i < n; i++) dst[i] = src[idx[i]];
        }
        var self = this;
        return FromOp(Shapes.Wrap(n, cols, values), "GatherRows", [this], g =>
        {
            var bv = Shapes.Values(self.GradBuffer());
            var gv = Shapes.Values(g);
            for (int j = 0; j < cols; j++)
            {
                var dst = bv.AsSpan(j * rows, rows);
                var src = gv.AsSpan(j * n, n);
                for (int i = 0; i < n; i++)
                {
                    if (idx[i] != paddingIndex) dst[idx[i]] += src[i];
                }
            }
        });
    }

    /// <summary>
    /// Reads the values in row-major order and lays them out as newRows×newCols, row-major
    /// (as PyTorch's <c>reshape</c> on a contiguous 2-D tensor).
    /// </summary>
    public Tensor Reshape(int newRows, int newCols)
    {
        if (newRows * newCols != Rows * Cols)
            throw new ArgumentException($"Reshape: a {Shape} tensor has {Rows * Cols} values, which do not " +
                $"fit {newRows}×{newCols}.");
        int rows = Rows, cols = Cols;
        var data = Shapes.Dense(newRows, newCols);
        var src = Shapes.Values(Data);
        var dst = Shapes.Values(data);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                int flat = i * cols + j;
                dst[flat / newCols + (flat % newCols) * newRows] = src[i + j * rows];
            }
        }
        var self = this;
        return FromOp(data, "Reshape", [this], g =>
        {
            var gv = Shapes.Values(g);
            var back = new double[rows * cols];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    int flat = i * cols + j;
                    back[i + j * rows] = gv[flat / newCols + (flat % newCols) * newRows];
                }
            }
            self.AddGradOwned(Shapes.Wrap(rows, cols, back));
        });
    }
}
