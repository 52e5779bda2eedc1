// Reference solutions for notebooks/04-luong-attention.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 04.1: dot attention for every decoder step at once
Matrix<double> DotAttention(Matrix<double> S, Matrix<double> H)
{
    var scores = S * H.Transpose();                                  // T_out×T_in
    var weights = Matrix<double>.Build.Dense(scores.RowCount, scores.ColumnCount);
    for (var i = 0; i < scores.RowCount; i++)
    {
        var e = (scores.Row(i) - scores.Row(i).Maximum()).PointwiseExp();
        weights.SetRow(i, e / e.Sum());
    }
    return weights * H;                                              // T_out×d
}

// Exercise 04.2: the general (bilinear) score
Vector<double> GeneralScores(Vector<double> s, Matrix<double> H, Matrix<double> W)
{
    var sW = s * W;                                   // sᵀW, length d_k, once for all j
    return H * sW;                                    // entry j = (sᵀW) · h_j
}

// Exercise 04.3: the concat score
Vector<double> ConcatScores(Vector<double> s, Matrix<double> H, Matrix<double> Wc, Vector<double> v)
{
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
    {
        var sh = Vector<double>.Build.Dense([.. s, .. H.Row(j)]);   // [s; h_j], length d_q + d_k
        e[j] = v.DotProduct((Wc * sh).PointwiseTanh());
    }
    return e;
}
