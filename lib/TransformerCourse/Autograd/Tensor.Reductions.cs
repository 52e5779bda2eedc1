namespace TransformerCourse.Autograd;

public sealed partial class Tensor
{
    /// <summary>The sum of all elements, 1×1.</summary>
    public Tensor Sum()
    {
        var self = this;
        double s = Shapes.Values(Data).Sum();
        return FromOp(Shapes.Wrap(1, 1, [s]), "Sum", [this], g =>
        {
            double gs = g[0, 0];
            var buf = Shapes.Values(self.GradBuffer());
            for (int k = 0; k < buf.Length; k++) buf[k] += gs;
        });
    }

    /// <summary>The mean of all elements, 1×1.</summary>
    public Tensor Mean()
    {
        if (Rows * Cols == 0) throw new InvalidOperationException("Mean: the tensor is empty (" + Shape + ").");
        return Sum().Scale(1.0 / (Rows * Cols));
    }

    /// <summary>The sum of each row, rows×1.</summary>
    public Tensor RowSums()
    {
        var self = this;
        int rows = Rows, cols = Cols;
        var xv = Shapes.Values(Data);
        var s = new double[rows];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                s[i] += xv[i + j * rows];
        return FromOp(Shapes.Wrap(rows, 1, s), "RowSums", [this], g =>
        {
            var gv = Shapes.Values(g);
            var buf = Shapes.Values(self.GradBuffer());
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++)
                    buf[i + j * rows] += gv[i];
        });
    }

    /// <summary>The sum of each column, 1×cols.</summary>
    public Tensor ColumnSums()
    {
        var self = this;
        int rows = Rows, cols = Cols;
        var xv = Shapes.Values(Data);
        var s = new double[cols];
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++)
                s[j] += xv[i + j * rows];
        return FromOp(Shapes.Wrap(1, cols, s), "ColumnSums", [this], g =>
        {
            var gv = Shapes.Values(g);
            var buf = Shapes.Values(self.GradBuffer());
            for (int j = 0; j < cols; j++)
                for (int i = 0; i < rows; i++)
                    buf[i + j * rows] += gv[j];
        });
    }

    /// <summary>The mean of each row, rows×1.</summary>
    public Tensor RowMeans() => RowSums().Scale(1.0 / Cols);

    /// <summary>The mean of each column, 1×cols.</summary>
    public Tensor ColumnMeans() => ColumnSums().Scale(1.0 / Rows);
}
