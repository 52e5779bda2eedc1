// Plausible wrong answers to the exercises of notebooks/06-self-attention.ipynb. Each block replaces the whole
// exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in,
// one at a time.

// Exercise 06.1: forgets the 1/√d scale
Matrix<double> PlainSelfAttention(Matrix<double> X)
{
    return SoftmaxFunctions.Rows(X * X.Transpose()) * X;
}

// Exercise 06.1: scales by √T, the number of tokens, instead of √d, the number of features
Matrix<double> PlainSelfAttention(Matrix<double> X)
{
    return SoftmaxFunctions.Rows(X * X.Transpose() / Math.Sqrt(X.RowCount)) * X;
}

// Exercise 06.1: multiplies by the transposed weights, Wᵀ·X (columns of W sum to 1, not rows)
Matrix<double> PlainSelfAttention(Matrix<double> X)
{
    return SoftmaxFunctions.Rows(X * X.Transpose() / Math.Sqrt(X.ColumnCount)).Transpose() * X;
}

// Exercise 06.2: forgets the causal mask — every token also reads the tokens after it
Matrix<double> CausalSelfAttention(Matrix<double> X, Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV)
{
    var Q = X * WQ;
    var K = X * WK;
    return SoftmaxFunctions.Rows(Q * K.Transpose() / Math.Sqrt(WQ.ColumnCount)) * (X * WV);
}

// Exercise 06.2: scales by √d_model instead of √d_k
Matrix<double> CausalSelfAttention(Matrix<double> X, Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV)
{
    var Q = X * WQ;
    var K = X * WK;
    var causal = M.Dense(X.RowCount, X.RowCount, (i, j) => j > i ? double.NegativeInfinity : 0.0);
    return SoftmaxFunctions.Rows(Q * K.Transpose() / Math.Sqrt(X.ColumnCount), causal) * (X * WV);
}

// Exercise 06.2: the mask on the wrong side — each token reads itself and the tokens after it
Matrix<double> CausalSelfAttention(Matrix<double> X, Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV)
{
    var Q = X * WQ;
    var K = X * WK;
    var mask = M.Dense(X.RowCount, X.RowCount, (i, j) => j < i ? double.NegativeInfinity : 0.0);
    return SoftmaxFunctions.Rows(Q * K.Transpose() / Math.Sqrt(WQ.ColumnCount), mask) * (X * WV);
}

// Exercise 06.2: scores K·Qᵀ (keys down the side), so row i holds what every query gives key i
Matrix<double> CausalSelfAttention(Matrix<double> X, Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV)
{
    var Q = X * WQ;
    var K = X * WK;
    var causal = M.Dense(X.RowCount, X.RowCount, (i, j) => j > i ? double.NegativeInfinity : 0.0);
    return SoftmaxFunctions.Rows(K * Q.Transpose() / Math.Sqrt(WQ.ColumnCount), causal) * (X * WV);
}

// Exercise 06.3: compares f(PX) with f(X) — forgets to permute the output of f too
double EquivarianceGap(Func<Matrix<double>, Matrix<double>> f, Matrix<double> X, int[] perm)
{
    return (f(Permute(X, perm)) - f(X)).Enumerate().Max(Math.Abs);
}

// Exercise 06.3: permutes the output with the inverse permutation
double EquivarianceGap(Func<Matrix<double>, Matrix<double>> f, Matrix<double> X, int[] perm)
{
    var inverse = new int[perm.Length];
    for (var i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
    return (f(Permute(X, perm)) - Permute(f(X), inverse)).Enumerate().Max(Math.Abs);
}

// Exercise 06.3: the sum of the absolute differences instead of the largest one
double EquivarianceGap(Func<Matrix<double>, Matrix<double>> f, Matrix<double> X, int[] perm)
{
    return (f(Permute(X, perm)) - Permute(f(X), perm)).Enumerate().Sum(Math.Abs);
}
