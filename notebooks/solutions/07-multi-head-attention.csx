// Reference solutions for notebooks/07-multi-head-attention.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 07.1: concatenate the heads and apply W^O
Matrix<double> CombineHeads(IReadOnlyList<Matrix<double>> heads, Matrix<double> wO, Vector<double> bO)
{
    var c = heads[0];
    for (int i = 1; i < heads.Count; i++) c = c.Append(heads[i]);
    var y = c * wO.Transpose();
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + bO);
    return y;
}

// Exercise 07.2: multi-head attention with a key-padding mask
Matrix<double> MultiHeadForward(Matrix<double> x, int batch, int heads, bool[,] keyPadding,
    Matrix<double> wQ, Vector<double> bQ, Matrix<double> wK, Vector<double> bK,
    Matrix<double> wV, Vector<double> bV, Matrix<double> wO, Vector<double> bO)
{
    Matrix<double> Project(Matrix<double> w, Vector<double> b)   // x·wᵀ + b, (B·T)×d_model
    {
        var p = x * w.Transpose();
        for (int r = 0; r < p.RowCount; r++) p.SetRow(r, p.Row(r) + b);
        return p;
    }
    var (q, k, v) = (Project(wQ, bQ), Project(wK, bK), Project(wV, bV));
    int time = x.RowCount / batch, dk = x.ColumnCount / heads;
    var concat = M.Dense(x.RowCount, x.ColumnCount);
    for (int b = 0; b < batch; b++)
    {
        var mask = M.Dense(time, time, (i, j) => keyPadding[b, j] ? double.NegativeInfinity : 0);   // hide padded keys
        for (int i = 0; i < heads; i++)
        {
            var qi = q.SubMatrix(b * time, time, i * dk, dk);                                      // T×d_k
            var ki = k.SubMatrix(b * time, time, i * dk, dk);
            var vi = v.SubMatrix(b * time, time, i * dk, dk);
            var weights = SoftmaxFunctions.Rows(qi * ki.Transpose() / Math.Sqrt(dk), mask);                  // T×T
            concat.SetSubMatrix(b * time, i * dk, weights * vi);
        }
    }
    return CombineHeads([concat], wO, bO);
}
