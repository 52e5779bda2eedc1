// Plausible wrong answers to the exercises of notebooks/00-setup.ipynb. Each block replaces the whole exercise cell;
// it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in, one at a time.

// Exercise 00.1: the sample standard deviation — MathNet's StandardDeviation() divides by d − 1, not d
Matrix<double> Standardize(Matrix<double> x)
{
    var z = M.Dense(x.RowCount, x.ColumnCount);
    for (int i = 0; i < x.RowCount; i++)
    {
        var row = x.Row(i);
        double mu = row.Average();
        double sigma = Math.Sqrt((row - mu).PointwisePower(2).Sum() / (row.Count - 1));
        z.SetRow(i, (row - mu) / sigma);
    }
    return z;
}

// Exercise 00.1: statistics per column (per feature, as batch norm does) instead of per row
Matrix<double> Standardize(Matrix<double> x)
{
    var z = M.Dense(x.RowCount, x.ColumnCount);
    for (int j = 0; j < x.ColumnCount; j++)
    {
        var column = x.Column(j);
        double mu = column.Average();
        double sigma = Math.Sqrt((column - mu).PointwisePower(2).Average());
        z.SetColumn(j, (column - mu) / sigma);
    }
    return z;
}

// Exercise 00.1: divides by the variance σ² instead of the standard deviation σ
Matrix<double> Standardize(Matrix<double> x)
{
    var z = M.Dense(x.RowCount, x.ColumnCount);
    for (int i = 0; i < x.RowCount; i++)
    {
        var row = x.Row(i);
        double mu = row.Average();
        z.SetRow(i, (row - mu) / (row - mu).PointwisePower(2).Average());
    }
    return z;
}

// Exercise 00.2: forgets the bias
Matrix<double> Linear(Matrix<double> x, Matrix<double> W, Vector<double> b)
{
    return x * W;
}

// Exercise 00.2: adds b_i to every entry of row i instead of b to every row
Matrix<double> Linear(Matrix<double> x, Matrix<double> W, Vector<double> b)
{
    var y = x * W;
    for (var i = 0; i < y.RowCount; i++)
        y.SetRow(i, y.Row(i) + b[i]);
    return y;
}

// Exercise 00.2: the PyTorch layout by mistake — multiplies by Wᵀ, as if W were d_out×d_in
Matrix<double> Linear(Matrix<double> x, Matrix<double> W, Vector<double> b)
{
    var y = x * W.Transpose();
    for (var i = 0; i < y.RowCount; i++)
        y.SetRow(i, y.Row(i) + b);
    return y;
}
