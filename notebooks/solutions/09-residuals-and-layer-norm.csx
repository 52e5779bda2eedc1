// Reference solutions for notebooks/09-residuals-and-layer-norm.ipynb. Each solution replaces the whole exercise cell
// with the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 09.1: layer norm of every row, with γ and β
Matrix<double> LayerNormRows(Matrix<double> x, Vector<double> gamma, Vector<double> beta, double eps)
{
    var y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
    for (int t = 0; t < x.RowCount; t++)
    {
        var row = x.Row(t);
        double mean = row.Average();
        double variance = row.Select(v => (v - mean) * (v - mean)).Average();
        double scale = 1 / Math.Sqrt(variance + eps);
        for (int j = 0; j < x.ColumnCount; j++) y[t, j] = gamma[j] * (row[j] - mean) * scale + beta[j];
    }
    return y;
}

// Exercise 09.2: a residual block, post-LN and pre-LN
Tensor PostLN(Tensor x, Func<Tensor, Tensor> f, LayerNorm norm) => norm.Forward(x + f(x));
Tensor PreLN(Tensor x, Func<Tensor, Tensor> f, LayerNorm norm) => x + f(norm.Forward(x));

// Exercise 09.3: the learning rate of "Attention Is All You Need" at a step
double NoamRate(int step, int dModel, int warmup) =>
    Math.Pow(dModel, -0.5) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(warmup, -1.5));
