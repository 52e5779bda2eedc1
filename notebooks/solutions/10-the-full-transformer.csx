// Reference solutions for notebooks/10-the-full-transformer.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 10.1: the position-wise feed-forward network
Matrix<double> FeedForward(Matrix<double> x, Matrix<double> w1, Vector<double> b1, Matrix<double> w2, Vector<double> b2)
{
    var hidden = x * w1.Transpose();                              // n×d_ff
    for (int r = 0; r < hidden.RowCount; r++) hidden.SetRow(r, (hidden.Row(r) + b1).PointwiseMaximum(0.0));
    var y = hidden * w2.Transpose();                              // n×d_model
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + b2);
    return y;
}

// Exercise 10.2: the decoder layer from raw matrices
Matrix<double> DecoderLayerForward(Matrix<double> x, Matrix<double> memory, DecoderParams p)
{
    int T = x.RowCount;
    var causal = M.Dense(T, T, (i, j) => j > i ? double.NegativeInfinity : 0);        // hide later positions
    var a = LayerNormRows(x + Attend(x, x, p.SelfAttn, causal), p.Gamma1, p.Beta1);   // masked self-attention
    var c = LayerNormRows(a + Attend(a, memory, p.CrossAttn, null), p.Gamma2, p.Beta2); // Q from a, K and V from memory
    return LayerNormRows(c + FeedForward(c, p.W1, p.B1, p.W2, p.B2), p.Gamma3, p.Beta3);
}
