// Reference solutions for notebooks/02-seq2seq-without-attention.ipynb. Each solution replaces the whole exercise
// cell with the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 02.1: one GRU step on a batch
Matrix<double> GruStep(Matrix<double> x, Matrix<double> h, Matrix<double> weightIh, Matrix<double> weightHh,
    Matrix<double> biasIh, Matrix<double> biasHh)
{
    int B = x.RowCount, H = h.ColumnCount;
    Matrix<double> AddBias(Matrix<double> a, Matrix<double> bias) => M.Dense(B, 3 * H, (i, j) => a[i, j] + bias[0, j]);
    var gi = AddBias(x * weightIh.Transpose(), biasIh);          // B×3H: W_i· x + b_i· for r, z, n
    var gh = AddBias(h * weightHh.Transpose(), biasHh);          // B×3H: W_h· h + b_h·
    Matrix<double> Gate(Matrix<double> g, int k) => g.SubMatrix(0, B, k * H, H);
    Matrix<double> Sigmoid(Matrix<double> a) => a.Map(v => 1 / (1 + Math.Exp(-v)));
    var r = Sigmoid(Gate(gi, 0) + Gate(gh, 0));
    var z = Sigmoid(Gate(gi, 1) + Gate(gh, 1));
    var n = (Gate(gi, 2) + r.PointwiseMultiply(Gate(gh, 2))).PointwiseTanh();
    return (1 - z).PointwiseMultiply(n) + z.PointwiseMultiply(h);
}

// Exercise 02.2: run the encoder over a padded batch, keep each sequence's last real state
Matrix<double> LastRealStates(GruCell cell, Matrix<double> x, int batch, int[] lengths)
{
    int S = x.RowCount / batch;
    var h = M.Dense(batch, cell.HiddenSize);
    var last = M.Dense(batch, cell.HiddenSize);
    for (int t = 0; t < S; t++)
    {
        var xt = M.DenseOfRowVectors(Enumerable.Range(0, batch).Select(b => x.Row(b * S + t)));
        h = cell.Forward(Tensor.Constant(xt), Tensor.Constant(h)).Data;
        for (int b = 0; b < batch; b++)
            if (t == lengths[b] - 1) last.SetRow(b, h.Row(b));
    }
    return last;
}

// Exercise 02.3: greedy decoding given a step function
int[] GreedyDecode(Func<IReadOnlyList<int>, Vector<double>> step, int bos, int eos, int maxLength)
{
    var prefix = new List<int> { bos };
    var output = new List<int>();
    for (int i = 0; i < maxLength; i++)
    {
        int best = step(prefix).MaximumIndex();
        if (best == eos) break;
        output.Add(best);
        prefix.Add(best);
    }
    return output.ToArray();
}
