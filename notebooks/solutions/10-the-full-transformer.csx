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

// Exercise 10.2: an encoder layer from the library's parts
Tensor EncoderLayerByHand(EncoderLayer layer, Tensor x, SequenceBatch batch)
{
    var h = layer.Norm1.Forward(x + layer.SelfAttn.SelfAttention(x, batch));
    return layer.Norm2.Forward(h + layer.FeedForward.Forward(h));
}

// Exercise 10.3: the parameter-count formula
long TransformerParameters(long vocab, long dModel, long dFF, long layers)
{
    long attention = 4 * dModel * dModel + 4 * dModel;            // W^Q, W^K, W^V, W^O and their biases
    long feedForward = 2 * dModel * dFF + dFF + dModel;           // W_1, b_1, W_2, b_2
    long norm = 2 * dModel;                                       // γ and β
    long encoderLayer = attention + feedForward + 2 * norm;
    long decoderLayer = 2 * attention + feedForward + 3 * norm;
    return vocab * dModel + layers * (encoderLayer + decoderLayer) + 2 * norm + vocab;
}
