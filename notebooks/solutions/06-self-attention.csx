// Reference solutions for notebooks/06-self-attention.ipynb. Each solution replaces the whole exercise cell with the
// same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 06.1: self-attention without projections
Matrix<double> PlainSelfAttention(Matrix<double> X)
{
    var weights = SoftmaxFunctions.Rows(X * X.Transpose() / Math.Sqrt(X.ColumnCount)); // T×T
    return weights * X;                                                      // T×d
}

// Exercise 06.2: causal self-attention with W_Q, W_K, W_V
Matrix<double> CausalSelfAttention(Matrix<double> X, Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV)
{
    var Q = X * WQ;                                                           // T×d_k
    var K = X * WK;                                                           // T×d_k
    var values = X * WV;                                                      // T×d_v
    var scores = Q * K.Transpose() / Math.Sqrt(WQ.ColumnCount);               // T×T
    var causal = M.Dense(X.RowCount, X.RowCount, (i, j) => j > i ? double.NegativeInfinity : 0.0);
    return SoftmaxFunctions.Rows(scores, causal) * values;
}

// Exercise 06.3: a permutation-equivariance check
double EquivarianceGap(Func<Matrix<double>, Matrix<double>> f, Matrix<double> X, int[] perm)
{
    var permutedFirst = f(Permute(X, perm));                                  // f(PX)
    var permutedAfter = Permute(f(X), perm);                                  // P f(X)
    return (permutedFirst - permutedAfter).Enumerate().Max(Math.Abs);
}
