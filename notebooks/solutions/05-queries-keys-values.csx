// Reference solutions for notebooks/05-queries-keys-values.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 05.1: a soft dictionary lookup
Vector<double> SoftLookup(Vector<double> query, Matrix<double> keys, Matrix<double> values)
{
    var weights = SoftmaxFunctions.Of(keys * query);          // one weight per key (row of keys)
    return values.TransposeThisAndMultiply(weights); // Σ_j p_j · values.Row(j)
}

// Exercise 05.2: scaled dot-product attention in matrix form
Matrix<double> ScaledAttention(Matrix<double> Q, Matrix<double> K, Matrix<double> Vm)
{
    var scores = Q * K.Transpose() / Math.Sqrt(Q.ColumnCount); // T_q×T_k
    return SoftmaxFunctions.Rows(scores) * Vm;                           // T_q×d_v
}

// Exercise 05.3: a causal mask
Matrix<double> CausalMask(int T)
{
    return M.Dense(T, T, (i, j) => j > i ? double.NegativeInfinity : 0.0);
}

// Exercise 05.4: a padding mask from lengths
Matrix<double> PaddingMask(int[] lengths, int T)
{
    return M.Dense(lengths.Length, T, (b, t) => t < lengths[b] ? 0.0 : double.NegativeInfinity);
}
