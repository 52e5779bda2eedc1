// Plausible wrong answers to the exercises of notebooks/07-multi-head-attention.ipynb. Each block replaces the whole
// exercise cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block
// compiles and runs, and the exercise's check must print ✘ for it.

// Exercise 07.1: multiplies by W^O as stored (out×in) instead of its transpose
Matrix<double> CombineHeads(IReadOnlyList<Matrix<double>> heads, Matrix<double> wO, Vector<double> bO)
{
    var c = heads[0];
    for (int i = 1; i < heads.Count; i++) c = c.Append(heads[i]);
    var y = c * wO;
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + bO);
    return y;
}

// Exercise 07.1: forgets the bias b^O
Matrix<double> CombineHeads(IReadOnlyList<Matrix<double>> heads, Matrix<double> wO, Vector<double> bO)
{
    var c = heads[0];
    for (int i = 1; i < heads.Count; i++) c = c.Append(heads[i]);
    return c * wO.Transpose();
}

// Exercise 07.1: puts the heads side by side in reverse order
Matrix<double> CombineHeads(IReadOnlyList<Matrix<double>> heads, Matrix<double> wO, Vector<double> bO)
{
    var c = heads[^1];
    for (int i = heads.Count - 2; i >= 0; i--) c = c.Append(heads[i]);
    var y = c * wO.Transpose();
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + bO);
    return y;
}

// Exercise 07.2: scales the scores by √d_model instead of √d_k
Matrix<double> MultiHeadForward(Matrix<double> x, int batch, int heads, bool[,] keyPadding,
    Matrix<double> wQ, Vector<double> bQ, Matrix<double> wK, Vector<double> bK,
    Matrix<double> wV, Vector<double> bV, Matrix<double> wO, Vector<double> bO)
{
    Matrix<double> Project(Matrix<double> w, Vector<double> b)
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
        var mask = M.Dense(time, time, (i, j) => keyPadding[b, j] ? double.NegativeInfinity : 0);
        for (int i = 0; i < heads; i++)
        {
            var qi = q.SubMatrix(b * time, time, i * dk, dk);
            var ki = k.SubMatrix(b * time, time, i * dk, dk);
            var vi = v.SubMatrix(b * time, time, i * dk, dk);
            var weights = SoftmaxFunctions.Rows(qi * ki.Transpose() / Math.Sqrt(x.ColumnCount), mask);
            concat.SetSubMatrix(b * time, i * dk, weights * vi);
        }
    }
    return CombineHeads([concat], wO, bO);
}

// Exercise 07.2: zeroes the padded keys' weights after the softmax, so the rows no longer sum to 1
Matrix<double> MultiHeadForward(Matrix<double> x, int batch, int heads, bool[,] keyPadding,
    Matrix<double> wQ, Vector<double> bQ, Matrix<double> wK, Vector<double> bK,
    Matrix<double> wV, Vector<double> bV, Matrix<double> wO, Vector<double> bO)
{
    Matrix<double> Project(Matrix<double> w, Vector<double> b)
    {
        var p = x * w.Transpose();
        for (int r = 0; r < p.RowCount; r++) p.SetRow(r, p.Row(r) + b);
        return p;
    }
    var (q, k, v) = (Project(wQ, bQ), Project(wK, bK), Project(wV, bV));
    int time = x.RowCount / batch, dk = x.ColumnCount / heads;
    var concat = M.Dense(x.RowCount, x.ColumnCount);
    for (int b = 0; b < batch; b++)
        for (int i = 0; i < heads; i++)
        {
            var qi = q.SubMatrix(b * time, time, i * dk, dk);
            var ki = k.SubMatrix(b * time, time, i * dk, dk);
            var vi = v.SubMatrix(b * time, time, i * dk, dk);
            var weights = SoftmaxFunctions.Rows(qi * ki.Transpose() / Math.Sqrt(dk));
            for (int r = 0; r < time; r++)
                for (int j = 0; j < time; j++)
                    if (keyPadding[b, j]) weights[r, j] = 0;
            concat.SetSubMatrix(b * time, i * dk, weights * vi);
        }
    return CombineHeads([concat], wO, bO);
}

// Exercise 07.2: projects with the stored weights as they are, x·W instead of x·Wᵀ
Matrix<double> MultiHeadForward(Matrix<double> x, int batch, int heads, bool[,] keyPadding,
    Matrix<double> wQ, Vector<double> bQ, Matrix<double> wK, Vector<double> bK,
    Matrix<double> wV, Vector<double> bV, Matrix<double> wO, Vector<double> bO)
{
    Matrix<double> Project(Matrix<double> w, Vector<double> b)
    {
        var p = x * w;
        for (int r = 0; r < p.RowCount; r++) p.SetRow(r, p.Row(r) + b);
        return p;
    }
    var (q, k, v) = (Project(wQ, bQ), Project(wK, bK), Project(wV, bV));
    int time = x.RowCount / batch, dk = x.ColumnCount / heads;
    var concat = M.Dense(x.RowCount, x.ColumnCount);
    for (int b = 0; b < batch; b++)
    {
        var mask = M.Dense(time, time, (i, j) => keyPadding[b, j] ? double.NegativeInfinity : 0);
        for (int i = 0; i < heads; i++)
        {
            var qi = q.SubMatrix(b * time, time, i * dk, dk);
            var ki = k.SubMatrix(b * time, time, i * dk, dk);
            var vi = v.SubMatrix(b * time, time, i * dk, dk);
            var weights = SoftmaxFunctions.Rows(qi * ki.Transpose() / Math.Sqrt(dk), mask);
            concat.SetSubMatrix(b * time, i * dk, weights * vi);
        }
    }
    return CombineHeads([concat], wO, bO);
}

// Exercise 07.2: takes the padding as a length, hiding every key from the first padded one on
Matrix<double> MultiHeadForward(Matrix<double> x, int batch, int heads, bool[,] keyPadding,
    Matrix<double> wQ, Vector<double> bQ, Matrix<double> wK, Vector<double> bK,
    Matrix<double> wV, Vector<double> bV, Matrix<double> wO, Vector<double> bO)
{
    Matrix<double> Project(Matrix<double> w, Vector<double> b)
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
        int length = 0;
        while (length < time && !keyPadding[b, length]) length++;
        var mask = M.Dense(time, time, (i, j) => j >= length ? double.NegativeInfinity : 0);
        for (int i = 0; i < heads; i++)
        {
            var qi = q.SubMatrix(b * time, time, i * dk, dk);
            var ki = k.SubMatrix(b * time, time, i * dk, dk);
            var vi = v.SubMatrix(b * time, time, i * dk, dk);
            var weights = SoftmaxFunctions.Rows(qi * ki.Transpose() / Math.Sqrt(dk), mask);
            concat.SetSubMatrix(b * time, i * dk, weights * vi);
        }
    }
    return CombineHeads([concat], wO, bO);
}
