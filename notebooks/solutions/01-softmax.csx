// Reference solutions for notebooks/01-softmax.ipynb. Each solution replaces the whole exercise cell with the same
// "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 01.1: a stable softmax
Vector<double> StableSoftmax(Vector<double> x)
{
    var e = (x - x.Maximum()).PointwiseExp();
    return e / e.Sum();
}

// Exercise 01.2: softmax with temperature
Vector<double> SoftmaxT(Vector<double> x, double T)
{
    return Softmax.Of(x / T);
}

// Exercise 01.3: soft selection of a vector from a set with a query
Vector<double> SoftSelect(Matrix<double> U, Vector<double> q)
{
    var p = Softmax.Of(U * q);
    return U.TransposeThisAndMultiply(p);
}

// Exercise 01.4: the Jacobian of softmax
Matrix<double> SoftmaxJacobian(Vector<double> x)
{
    var p = Softmax.Of(x);
    return M.DenseOfDiagonalVector(p) - p.OuterProduct(p);
}
