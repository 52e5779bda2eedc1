// Plausible wrong answers to the exercises of notebooks/03-bahdanau-attention.ipynb. Each block replaces the whole
// exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in,
// one at a time.

// Exercise 03.1: forgets the tanh, so the score is linear: vᵀ(W s + U h_j)
Vector<double> AdditiveScores(Vector<double> s, Matrix<double> H, Matrix<double> W, Matrix<double> U, Vector<double> v)
{
    var Ws = W * s;
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = v.DotProduct(Ws + U * H.Row(j));
    return e;
}

// Exercise 03.1: sums the tanh units instead of weighting them with v
Vector<double> AdditiveScores(Vector<double> s, Matrix<double> H, Matrix<double> W, Matrix<double> U, Vector<double> v)
{
    var Ws = W * s;
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = (Ws + U * H.Row(j)).PointwiseTanh().Sum();
    return e;
}

// Exercise 03.1: applies the tanh to each projection separately, vᵀ(tanh(W s) + tanh(U h_j))
Vector<double> AdditiveScores(Vector<double> s, Matrix<double> H, Matrix<double> W, Matrix<double> U, Vector<double> v)
{
    var Ws = (W * s).PointwiseTanh();
    var e = Vector<double>.Build.Dense(H.RowCount);
    for (var j = 0; j < H.RowCount; j++)
        e[j] = v.DotProduct(Ws + (U * H.Row(j)).PointwiseTanh());
    return e;
}

// Exercise 03.2: the naive softmax — scores near 1000 overflow exp, and ∞/∞ is NaN
Vector<double> AlignmentWeights(Vector<double> e)
{
    var exp = e.PointwiseExp();
    return exp / exp.Sum();
}

Vector<double> ContextVector(Vector<double> alpha, Matrix<double> H)
{
    var c = Vector<double>.Build.Dense(H.ColumnCount);
    for (var j = 0; j < H.RowCount; j++)
        c += alpha[j] * H.Row(j);
    return c;
}

// Exercise 03.2: the context as the plain mean of the encoder states, ignoring the weights
Vector<double> AlignmentWeights(Vector<double> e)
{
    var exp = (e - e.Maximum()).PointwiseExp();
    return exp / exp.Sum();
}

Vector<double> ContextVector(Vector<double> alpha, Matrix<double> H)
{
    var c = Vector<double>.Build.Dense(H.ColumnCount);
    for (var j = 0; j < H.RowCount; j++)
        c += H.Row(j) / H.RowCount;
    return c;
}

// Exercise 03.2: normalises the scores by their sum instead of a softmax (no exponential)
Vector<double> AlignmentWeights(Vector<double> e)
{
    return e / e.Sum();
}

Vector<double> ContextVector(Vector<double> alpha, Matrix<double> H)
{
    return H.TransposeThisAndMultiply(alpha);
}

// Exercise 03.3: normalises the window to sum to 1, as a softmax would
Vector<double> GravesWindow(Vector<double> alpha, Vector<double> beta, Vector<double> kappa, int U)
{
    var phi = Vector<double>.Build.Dense(U);
    for (var u = 0; u < U; u++)
        for (var k = 0; k < alpha.Count; k++)
            phi[u] += alpha[k] * Math.Exp(-beta[k] * (kappa[k] - u) * (kappa[k] - u));
    return phi / phi.Sum();
}

// Exercise 03.3: off by one — numbers the positions 1 … U instead of 0 … U − 1
Vector<double> GravesWindow(Vector<double> alpha, Vector<double> beta, Vector<double> kappa, int U)
{
    var phi = Vector<double>.Build.Dense(U);
    for (var u = 0; u < U; u++)
        for (var k = 0; k < alpha.Count; k++)
            phi[u] += alpha[k] * Math.Exp(-beta[k] * (kappa[k] - (u + 1)) * (kappa[k] - (u + 1)));
    return phi;
}

// Exercise 03.3: forgets the square — exp(−β |κ − u|), a Laplace window instead of a Gaussian
Vector<double> GravesWindow(Vector<double> alpha, Vector<double> beta, Vector<double> kappa, int U)
{
    var phi = Vector<double>.Build.Dense(U);
    for (var u = 0; u < U; u++)
        for (var k = 0; k < alpha.Count; k++)
            phi[u] += alpha[k] * Math.Exp(-beta[k] * Math.Abs(kappa[k] - u));
    return phi;
}
