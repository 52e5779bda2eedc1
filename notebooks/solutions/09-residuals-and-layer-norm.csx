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
Matrix<double> PostLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    LayerNormRows(x + f(x), gamma, beta, 1e-5);
Matrix<double> PreLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    x + f(LayerNormRows(x, gamma, beta, 1e-5));

// Exercise 09.3: the gradient that reaches the input of a stack
Vector<double> GradientAtInput(IReadOnlyList<Matrix<double>> jacobians, Vector<double> g, bool skips)
{
    for (int l = jacobians.Count - 1; l >= 0; l--)                       // from the top layer down
    {
        var step = skips ? Matrix<double>.Build.DenseIdentity(g.Count) + jacobians[l] : jacobians[l];   // ∂x_l/∂x_{l−1}
        g = step.Transpose() * g;
    }
    return g;
}
