// Reference solutions for notebooks/00-setup.ipynb. Each solution replaces the whole exercise cell with the same
// "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 00.1: standardise each row
Matrix<double> Standardize(Matrix<double> x)
{
    var z = M.Dense(x.RowCount, x.ColumnCount);
    for (int i = 0; i < x.RowCount; i++)
    {
        var row = x.Row(i);
        double mu = row.Average();
        double sigma = Math.Sqrt((row - mu).PointwisePower(2).Average());
        z.SetRow(i, (row - mu) / sigma);
    }
    return z;
}

// Exercise 00.2: a linear layer, y = x·W + b on every row
Matrix<double> Linear(Matrix<double> x, Matrix<double> W, Vector<double> b)
{
    var y = x * W;
    for (var i = 0; i < y.RowCount; i++)
        y.SetRow(i, y.Row(i) + b);
    return y;
}
