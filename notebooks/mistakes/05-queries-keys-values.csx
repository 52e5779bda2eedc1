// Plausible wrong answers to the exercises of notebooks/05-queries-keys-values.ipynb. Each block replaces the whole
// exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in,
// one at a time.

// Exercise 05.1: forgets the softmax — weights the values with the raw scores
Vector<double> SoftLookup(Vector<double> query, Matrix<double> keys, Matrix<double> values)
{
    return values.TransposeThisAndMultiply(keys * query);
}

// Exercise 05.1: returns the weighted keys instead of the weighted values
Vector<double> SoftLookup(Vector<double> query, Matrix<double> keys, Matrix<double> values)
{
    return keys.TransposeThisAndMultiply(SoftmaxFunctions.Of(keys * query));
}

// Exercise 05.1: scales the scores by 1/√d, which this lookup does not ask for
Vector<double> SoftLookup(Vector<double> query, Matrix<double> keys, Matrix<double> values)
{
    return values.TransposeThisAndMultiply(SoftmaxFunctions.Of(keys * query / Math.Sqrt(query.Count)));
}

// Exercise 05.2: forgets the 1/√d_k scale
Matrix<double> ScaledAttention(Matrix<double> Q, Matrix<double> K, Matrix<double> Vm)
{
    return SoftmaxFunctions.Rows(Q * K.Transpose()) * Vm;
}

// Exercise 05.2: divides by d_k instead of √d_k
Matrix<double> ScaledAttention(Matrix<double> Q, Matrix<double> K, Matrix<double> Vm)
{
    return SoftmaxFunctions.Rows(Q * K.Transpose() / Q.ColumnCount) * Vm;
}

// Exercise 05.2: the softmax over each column (over the queries) instead of each row
Matrix<double> ScaledAttention(Matrix<double> Q, Matrix<double> K, Matrix<double> Vm)
{
    return SoftmaxFunctions.Rows((Q * K.Transpose() / Math.Sqrt(Q.ColumnCount)).Transpose()).Transpose() * Vm;
}

// Exercise 05.3: PyTorch's boolean convention written as numbers — 1 = hidden, 0 = visible, instead of −∞ and 0
Matrix<double> CausalMask(int T)
{
    return M.Dense(T, T, (i, j) => j > i ? 1.0 : 0.0);
}

// Exercise 05.3: off by one — hides the diagonal too, so a query cannot see its own position
Matrix<double> CausalMask(int T)
{
    return M.Dense(T, T, (i, j) => j >= i ? double.NegativeInfinity : 0.0);
}

// Exercise 05.3: transposed — hides the past instead of the future
Matrix<double> CausalMask(int T)
{
    return M.Dense(T, T, (i, j) => j < i ? double.NegativeInfinity : 0.0);
}

// Exercise 05.4: PyTorch's key_padding_mask convention written as numbers — 1 = padding, 0 = real
Matrix<double> PaddingMask(int[] lengths, int T)
{
    return M.Dense(lengths.Length, T, (b, t) => t < lengths[b] ? 0.0 : 1.0);
}

// Exercise 05.4: off by one — position lengths[b] is still visible
Matrix<double> PaddingMask(int[] lengths, int T)
{
    return M.Dense(lengths.Length, T, (b, t) => t <= lengths[b] ? 0.0 : double.NegativeInfinity);
}

// Exercise 05.4: time-major — a T×B matrix, entry [t, b], instead of B×T
Matrix<double> PaddingMask(int[] lengths, int T)
{
    return M.Dense(T, lengths.Length, (t, b) => t < lengths[b] ? 0.0 : double.NegativeInfinity);
}
