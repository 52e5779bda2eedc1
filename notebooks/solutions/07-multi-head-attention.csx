// Reference solutions for notebooks/07-multi-head-attention.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 07.1: one head's column block
Matrix<double> Head(Matrix<double> x, int i, int dk)
{
    return x.SubMatrix(0, x.RowCount, i * dk, dk);
}

// Exercise 07.2: concatenate the heads and apply W^O
Matrix<double> CombineHeads(IReadOnlyList<Matrix<double>> heads, Matrix<double> wO, Vector<double> bO)
{
    var c = heads[0];
    for (int i = 1; i < heads.Count; i++) c = c.Append(heads[i]);
    var y = c * wO.Transpose();
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + bO);
    return y;
}

// Exercise 07.3: the parameter count of multi-head attention
int MhaParameterCount(int dModel, int heads)
{
    // W^Q, W^K, W^V and W^O are d_model×d_model whatever the number of heads; four bias vectors of d_model.
    return 4 * dModel * dModel + 4 * dModel;
}
