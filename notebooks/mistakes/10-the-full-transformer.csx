// Plausible wrong answers to the exercises of notebooks/10-the-full-transformer.ipynb. Each block replaces the whole
// exercise cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block
// compiles and runs, and the exercise's check must print ✘ for it.

// Exercise 10.1: forgets the ReLU between the two linear maps
Matrix<double> FeedForward(Matrix<double> x, Matrix<double> w1, Vector<double> b1, Matrix<double> w2, Vector<double> b2)
{
    var hidden = x * w1.Transpose();
    for (int r = 0; r < hidden.RowCount; r++) hidden.SetRow(r, hidden.Row(r) + b1);
    var y = hidden * w2.Transpose();
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + b2);
    return y;
}

// Exercise 10.1: applies the ReLU before adding b1
Matrix<double> FeedForward(Matrix<double> x, Matrix<double> w1, Vector<double> b1, Matrix<double> w2, Vector<double> b2)
{
    var hidden = (x * w1.Transpose()).PointwiseMaximum(0.0);
    for (int r = 0; r < hidden.RowCount; r++) hidden.SetRow(r, hidden.Row(r) + b1);
    var y = hidden * w2.Transpose();
    for (int r = 0; r < y.RowCount; r++) y.SetRow(r, y.Row(r) + b2);
    return y;
}

// Exercise 10.1: forgets the second bias b2
Matrix<double> FeedForward(Matrix<double> x, Matrix<double> w1, Vector<double> b1, Matrix<double> w2, Vector<double> b2)
{
    var hidden = x * w1.Transpose();
    for (int r = 0; r < hidden.RowCount; r++) hidden.SetRow(r, (hidden.Row(r) + b1).PointwiseMaximum(0.0));
    return hidden * w2.Transpose();
}

// Exercise 10.2: no causal mask in the self-attention, so each position sees the later ones
Matrix<double> DecoderLayerForward(Matrix<double> x, Matrix<double> memory, DecoderParams p)
{
    var a = LayerNormRows(x + Attend(x, x, p.SelfAttn, null), p.Gamma1, p.Beta1);
    var c = LayerNormRows(a + Attend(a, memory, p.CrossAttn, null), p.Gamma2, p.Beta2);
    return LayerNormRows(c + FeedForward(c, p.W1, p.B1, p.W2, p.B2), p.Gamma3, p.Beta3);
}

// Exercise 10.2: the causal mask the wrong way round, hiding the earlier positions instead of the later ones
Matrix<double> DecoderLayerForward(Matrix<double> x, Matrix<double> memory, DecoderParams p)
{
    int T = x.RowCount;
    var causal = M.Dense(T, T, (i, j) => j < i ? double.NegativeInfinity : 0);
    var a = LayerNormRows(x + Attend(x, x, p.SelfAttn, causal), p.Gamma1, p.Beta1);
    var c = LayerNormRows(a + Attend(a, memory, p.CrossAttn, null), p.Gamma2, p.Beta2);
    return LayerNormRows(c + FeedForward(c, p.W1, p.B1, p.W2, p.B2), p.Gamma3, p.Beta3);
}

// Exercise 10.2: the cross-attention's queries come from the layer's input x instead of the self-attention output a
Matrix<double> DecoderLayerForward(Matrix<double> x, Matrix<double> memory, DecoderParams p)
{
    int T = x.RowCount;
    var causal = M.Dense(T, T, (i, j) => j > i ? double.NegativeInfinity : 0);
    var a = LayerNormRows(x + Attend(x, x, p.SelfAttn, causal), p.Gamma1, p.Beta1);
    var c = LayerNormRows(a + Attend(x, memory, p.CrossAttn, null), p.Gamma2, p.Beta2);
    return LayerNormRows(c + FeedForward(c, p.W1, p.B1, p.W2, p.B2), p.Gamma3, p.Beta3);
}

// Exercise 10.2: writes the pre-LN order, x + F(LN(x)), where the paper's layer is post-LN, LN(x + F(x))
Matrix<double> DecoderLayerForward(Matrix<double> x, Matrix<double> memory, DecoderParams p)
{
    int T = x.RowCount;
    var causal = M.Dense(T, T, (i, j) => j > i ? double.NegativeInfinity : 0);
    var n1 = LayerNormRows(x, p.Gamma1, p.Beta1);
    var a = x + Attend(n1, n1, p.SelfAttn, causal);
    var c = a + Attend(LayerNormRows(a, p.Gamma2, p.Beta2), memory, p.CrossAttn, null);
    var n3 = LayerNormRows(c, p.Gamma3, p.Beta3);
    return c + FeedForward(n3, p.W1, p.B1, p.W2, p.B2);
}
