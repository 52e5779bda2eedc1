// Plausible wrong answers to the exercises of notebooks/04-luong-attention.ipynb. Each block replaces the whole
// exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in,
// one at a time.

// Exercise 04.1: the softmax down each column (over the decoder steps) instead of along each row
Matrix<double> DotAttention(Matrix<double> S, Matrix<double> H)
{
    var scores = S * H.Transpose();
    var weights = Matrix<double>.Build.Dense(scores.RowCount, scores.ColumnCount);
    for (var j = 0; j < scores.ColumnCount; j++)
    {
        var e = (scores.Column(j) - scores.Column(j).Maximum()).PointwiseExp();
        weights.SetColumn(j, e / e.Sum());
    }
    return weights * H;
}

// Exercise 04.1: scales the scores by 1/√d — the Transformer's convention, not Luong's dot score
Matrix<double> DotAttention(Matrix<double> S, Matrix<double> H)
{
    var scores = S * H.Transpose() / Math.Sqrt(S.ColumnCount);
    var weights = Matrix<double>.Build.Dense(scores.RowCount, scores.ColumnCount);
    for (var i = 0; i < scores.RowCount; i++)
    {
        var e = (scores.Row(i) - scores.Row(i).Maximum()).PointwiseExp();
        weights.SetRow(i, e / e.Sum());
    }
    return weights * H;
}

// Exercise 04.1: the naive softmax — a score of 1000 ln 3 overflows exp, and ∞/∞ is NaN
Matrix<double> DotAttention(Matrix<double> S, Matrix<double> H)
{
    var e = (S * H.Transpose()).PointwiseExp();
    var weights = Matrix<double>.Build.Dense(e.RowCount, e.ColumnCount);
    for (var i = 0; i < e.RowCount; i++)
        weights.SetRow(i, e.Row(i) / e.Row(i).Sum());
    return weights * H;
}

// Exercise 04.2: uses W transposed, sᵀWᵀh_j = h_jᵀ W s
Vector<double> GeneralScores(Vector<double> s, Matrix<double> H, Matrix<double> W)
{
    return H * (W * s);
}

// Exercise 04.2: forgets W, the dot score
Vector<double> GeneralScores(Vector<double> s, Matrix<double> H, Matrix<double> W)
{
    return H * s;
}

// Exercise 04.3: concatenates in the other order, [h_j; s]
Vector<double> ConcatScores(Vector<double> s, Matrix<double> H, Matrix<double> Wc, Vector<double> v)
{
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = v.DotProduct((Wc * Vector<double>.Build.Dense([.. H.Row(j), .. s])).PointwiseTanh());
    return e;
}

// Exercise 04.3: forgets the tanh
Vector<double> ConcatScores(Vector<double> s, Matrix<double> H, Matrix<double> Wc, Vector<double> v)
{
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = v.DotProduct(Wc * Vector<double>.Build.Dense([.. s, .. H.Row(j)]));
    return e;
}
