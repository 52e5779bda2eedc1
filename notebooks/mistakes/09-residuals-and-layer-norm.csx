// Plausible wrong answers to the exercises of notebooks/09-residuals-and-layer-norm.ipynb. Each block replaces the
// whole exercise cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every
// block compiles and runs, and the exercise's check must print ✘ for it.

// Exercise 09.1: the sample variance, dividing by d − 1 instead of d
Matrix<double> LayerNormRows(Matrix<double> x, Vector<double> gamma, Vector<double> beta, double eps)
{
    var y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
    for (int t = 0; t < x.RowCount; t++)
    {
        var row = x.Row(t);
        double mean = row.Average();
        double variance = row.Select(v => (v - mean) * (v - mean)).Sum() / (x.ColumnCount - 1);
        for (int j = 0; j < x.ColumnCount; j++) y[t, j] = gamma[j] * (row[j] - mean) / Math.Sqrt(variance + eps) + beta[j];
    }
    return y;
}

// Exercise 09.1: adds ε to the standard deviation instead of to the variance under the root
Matrix<double> LayerNormRows(Matrix<double> x, Vector<double> gamma, Vector<double> beta, double eps)
{
    var y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
    for (int t = 0; t < x.RowCount; t++)
    {
        var row = x.Row(t);
        double mean = row.Average();
        double variance = row.Select(v => (v - mean) * (v - mean)).Average();
        for (int j = 0; j < x.ColumnCount; j++) y[t, j] = gamma[j] * (row[j] - mean) / (Math.Sqrt(variance) + eps) + beta[j];
    }
    return y;
}

// Exercise 09.1: normalises each feature (column) over the tokens, as batch norm does
Matrix<double> LayerNormRows(Matrix<double> x, Vector<double> gamma, Vector<double> beta, double eps)
{
    var y = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount);
    for (int j = 0; j < x.ColumnCount; j++)
    {
        var col = x.Column(j);
        double mean = col.Average();
        double variance = col.Select(v => (v - mean) * (v - mean)).Average();
        for (int t = 0; t < x.RowCount; t++) y[t, j] = gamma[j] * (col[t] - mean) / Math.Sqrt(variance + eps) + beta[j];
    }
    return y;
}

// Exercise 09.2: pre-LN adds the sub-layer's output to the normalised x instead of to x itself
Matrix<double> PostLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    LayerNormRows(x + f(x), gamma, beta, 1e-5);
Matrix<double> PreLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta)
{
    var n = LayerNormRows(x, gamma, beta, 1e-5);
    return n + f(n);
}

// Exercise 09.2: post-LN normalises only the sub-layer's output, x + LN(f(x))
Matrix<double> PostLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    x + LayerNormRows(f(x), gamma, beta, 1e-5);
Matrix<double> PreLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    x + f(LayerNormRows(x, gamma, beta, 1e-5));

// Exercise 09.2: the two orders swapped
Matrix<double> PostLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    x + f(LayerNormRows(x, gamma, beta, 1e-5));
Matrix<double> PreLN(Matrix<double> x, Func<Matrix<double>, Matrix<double>> f, Vector<double> gamma, Vector<double> beta) =>
    LayerNormRows(x + f(x), gamma, beta, 1e-5);

// Exercise 09.3: forgets the identity of the skip connection, using J_l with and without skips
Vector<double> GradientAtInput(IReadOnlyList<Matrix<double>> jacobians, Vector<double> g, bool skips)
{
    for (int l = jacobians.Count - 1; l >= 0; l--) g = jacobians[l].Transpose() * g;
    return g;
}

// Exercise 09.3: multiplies by the Jacobian instead of its transpose
Vector<double> GradientAtInput(IReadOnlyList<Matrix<double>> jacobians, Vector<double> g, bool skips)
{
    for (int l = jacobians.Count - 1; l >= 0; l--)
        g = (skips ? Matrix<double>.Build.DenseIdentity(g.Count) + jacobians[l] : jacobians[l]) * g;
    return g;
}

// Exercise 09.3: walks the layers from the input up instead of from the top down
Vector<double> GradientAtInput(IReadOnlyList<Matrix<double>> jacobians, Vector<double> g, bool skips)
{
    for (int l = 0; l < jacobians.Count; l++)
        g = (skips ? Matrix<double>.Build.DenseIdentity(g.Count) + jacobians[l] : jacobians[l]).Transpose() * g;
    return g;
}
