// Reference solutions for notebooks/01-softmax.ipynb. Each solution replaces the whole exercise cell with the same
// "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 01.1: a stable softmax
Vector<double> StableSoftmax(Vector<double> x)
{
    var e = (x - x.Maximum()).PointwiseExp();
    return e / e.Sum();
}

// Exercise 01.2: the entropy of softmax(x / T)
double SoftmaxEntropy(Vector<double> x, double T)
{
    var z = (x - x.Maximum()) / T;                  // the largest entry is 0: nothing overflows
    var logP = z - Math.Log(z.PointwiseExp().Sum()); // ln p_i, finite even where p_i underflows to 0
    return -logP.PointwiseExp().DotProduct(logP);
}

// Exercise 01.3: soft selection of a vector from a set with a query
Vector<double> SoftSelect(Matrix<double> U, Vector<double> q)
{
    var p = SoftmaxFunctions.Of(U * q);
    return U.TransposeThisAndMultiply(p);
}

// Exercise 01.4: the Jacobian of softmax
Matrix<double> SoftmaxJacobian(Vector<double> x)
{
    var p = SoftmaxFunctions.Of(x);
    return M.DenseOfDiagonalVector(p) - p.OuterProduct(p);
}
