// Reference solutions for notebooks/03-bahdanau-attention.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 03.1: additive scores of one decoder state against all encoder states
Vector<double> AdditiveScores(Vector<double> s, Matrix<double> H, Matrix<double> W, Matrix<double> U, Vector<double> v)
{
    var Ws = W * s;                                   // d_att, the same for every j
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = v.DotProduct((Ws + U * H.Row(j)).PointwiseTanh());
    return e;
}

// Exercise 03.2: weights and context vector from scores
Vector<double> AlignmentWeights(Vector<double> e)
{
    var exp = (e - e.Maximum()).PointwiseExp();       // the largest entry becomes exp(0) = 1: no overflow
    return exp / exp.Sum();
}

Vector<double> ContextVector(Vector<double> alpha, Matrix<double> H)
{
    var c = Vector<double>.Build.Dense(H.ColumnCount);
    for (var j = 0; j < H.RowCount; j++)
        c += alpha[j] * H.Row(j);
    return c;
}

// Exercise 03.3: Graves's location window
Vector<double> GravesWindow(Vector<double> alpha, Vector<double> beta, Vector<double> kappa, int U)
{
    var phi = Vector<double>.Build.Dense(U);
    for (var u = 0; u < U; u++)
        for (var k = 0; k < alpha.Count; k++)
            phi[u] += alpha[k] * Math.Exp(-beta[k] * (kappa[k] - u) * (kappa[k] - u));
    return phi;
}
