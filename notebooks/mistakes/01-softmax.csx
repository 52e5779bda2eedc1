// Plausible wrong answers to the exercises of notebooks/01-softmax.ipynb. Each block replaces the whole exercise
// cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in, one at a time.

// Exercise 01.1: the naive softmax — no max subtracted, so exp overflows to ∞ on large logits (∞/∞ = NaN)
Vector<double> StableSoftmax(Vector<double> x) { var e = x.PointwiseExp(); return e / e.Sum(); }

// Exercise 01.1: subtracts the minimum instead of the maximum, so the largest exponent still overflows
Vector<double> StableSoftmax(Vector<double> x)
{
    var e = (x - x.Minimum()).PointwiseExp();
    return e / e.Sum();
}

// Exercise 01.1: subtracts the maximum but forgets to normalise (divides by the largest exponential, 1)
Vector<double> StableSoftmax(Vector<double> x)
{
    return (x - x.Maximum()).PointwiseExp();
}

// Exercise 01.2: numerically naive p ln p — a probability that underflows to 0 gives 0 · (−∞) = NaN
double SoftmaxEntropy(Vector<double> x, double T)
{
    var p = SoftmaxFunctions.Of(x / T);
    return -p.DotProduct(p.PointwiseLog());
}

// Exercise 01.2: forgets the temperature: the entropy of softmax(x), not of softmax(x / T)
double SoftmaxEntropy(Vector<double> x, double T)
{
    var z = x - x.Maximum();
    var logP = z - Math.Log(z.PointwiseExp().Sum());
    return -logP.PointwiseExp().DotProduct(logP);
}

// Exercise 01.2: entropy in bits (log base 2) instead of nats
double SoftmaxEntropy(Vector<double> x, double T)
{
    var z = (x - x.Maximum()) / T;
    var logP = z - Math.Log(z.PointwiseExp().Sum());
    return -logP.PointwiseExp().DotProduct(logP) / Math.Log(2);
}

// Exercise 01.3: forgets the softmax — averages with the raw scores Uq as weights
Vector<double> SoftSelect(Matrix<double> U, Vector<double> q)
{
    return U.TransposeThisAndMultiply(U * q);
}

// Exercise 01.3: hard selection — returns the row with the largest score
Vector<double> SoftSelect(Matrix<double> U, Vector<double> q)
{
    return U.Row((U * q).MaximumIndex());
}

// Exercise 01.3: the other convention — scales the scores by 1/√d as in scaled dot-product attention (not asked here)
Vector<double> SoftSelect(Matrix<double> U, Vector<double> q)
{
    var p = SoftmaxFunctions.Of(U * q / Math.Sqrt(q.Count));
    return U.TransposeThisAndMultiply(p);
}

// Exercise 01.4: only the diagonal, p_i (1 − p_i) — forgets that raising x_j lowers every other p_i
Matrix<double> SoftmaxJacobian(Vector<double> x)
{
    var p = SoftmaxFunctions.Of(x);
    return M.DenseOfDiagonalVector(p.PointwiseMultiply(1 - p));
}

// Exercise 01.4: diag(e^x) − e^x (e^x)ᵀ with the unnormalised exponentials instead of p = softmax(x)
Matrix<double> SoftmaxJacobian(Vector<double> x)
{
    var e = x.PointwiseExp();
    return M.DenseOfDiagonalVector(e) - e.OuterProduct(e);
}

// Exercise 01.4: the sign of the outer product: diag(p) + p pᵀ
Matrix<double> SoftmaxJacobian(Vector<double> x)
{
    var p = SoftmaxFunctions.Of(x);
    return M.DenseOfDiagonalVector(p) + p.OuterProduct(p);
}
