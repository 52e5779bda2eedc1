// Plausible wrong answers to the exercises of notebooks/02-seq2seq-without-attention.ipynb. Each block replaces the
// whole exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block
// in, one at a time.

// Exercise 02.1: the other interpolation convention, h' = z ⊙ n + (1 − z) ⊙ h (z as the update share, not the keep share)
Matrix<double> GruStep(Matrix<double> x, Matrix<double> h, Matrix<double> weightIh, Matrix<double> weightHh,
    Matrix<double> biasIh, Matrix<double> biasHh)
{
    int B = x.RowCount, H = h.ColumnCount;
    Matrix<double> AddBias(Matrix<double> a, Matrix<double> bias) => M.Dense(B, 3 * H, (i, j) => a[i, j] + bias[0, j]);
    var gi = AddBias(x * weightIh.Transpose(), biasIh);
    var gh = AddBias(h * weightHh.Transpose(), biasHh);
    Matrix<double> Gate(Matrix<double> g, int k) => g.SubMatrix(0, B, k * H, H);
    Matrix<double> Sigmoid(Matrix<double> a) => a.Map(v => 1 / (1 + Math.Exp(-v)));
    var r = Sigmoid(Gate(gi, 0) + Gate(gh, 0));
    var z = Sigmoid(Gate(gi, 1) + Gate(gh, 1));
    var n = (Gate(gi, 2) + r.PointwiseMultiply(Gate(gh, 2))).PointwiseTanh();
    return z.PointwiseMultiply(n) + (1 - z).PointwiseMultiply(h);
}

// Exercise 02.1: the reset gate outside the hidden bias, r ⊙ (W_hn h) + b_hn, instead of r ⊙ (W_hn h + b_hn)
Matrix<double> GruStep(Matrix<double> x, Matrix<double> h, Matrix<double> weightIh, Matrix<double> weightHh,
    Matrix<double> biasIh, Matrix<double> biasHh)
{
    int B = x.RowCount, H = h.ColumnCount;
    Matrix<double> AddBias(Matrix<double> a, Matrix<double> bias) => M.Dense(B, 3 * H, (i, j) => a[i, j] + bias[0, j]);
    var gi = AddBias(x * weightIh.Transpose(), biasIh);
    var ghNoBias = h * weightHh.Transpose();
    var gh = AddBias(ghNoBias, biasHh);
    Matrix<double> Gate(Matrix<double> g, int k) => g.SubMatrix(0, B, k * H, H);
    Matrix<double> Sigmoid(Matrix<double> a) => a.Map(v => 1 / (1 + Math.Exp(-v)));
    var r = Sigmoid(Gate(gi, 0) + Gate(gh, 0));
    var z = Sigmoid(Gate(gi, 1) + Gate(gh, 1));
    var hiddenBias = AddBias(M.Dense(B, 3 * H), biasHh);     // b_h· alone on every row
    var n = (Gate(gi, 2) + r.PointwiseMultiply(Gate(ghNoBias, 2)) + Gate(hiddenBias, 2)).PointwiseTanh();
    return (1 - z).PointwiseMultiply(n) + z.PointwiseMultiply(h);
}

// Exercise 02.1: the gates in the order z, r, n (the stacked rows are r, z, n)
Matrix<double> GruStep(Matrix<double> x, Matrix<double> h, Matrix<double> weightIh, Matrix<double> weightHh,
    Matrix<double> biasIh, Matrix<double> biasHh)
{
    int B = x.RowCount, H = h.ColumnCount;
    Matrix<double> AddBias(Matrix<double> a, Matrix<double> bias) => M.Dense(B, 3 * H, (i, j) => a[i, j] + bias[0, j]);
    var gi = AddBias(x * weightIh.Transpose(), biasIh);
    var gh = AddBias(h * weightHh.Transpose(), biasHh);
    Matrix<double> Gate(Matrix<double> g, int k) => g.SubMatrix(0, B, k * H, H);
    Matrix<double> Sigmoid(Matrix<double> a) => a.Map(v => 1 / (1 + Math.Exp(-v)));
    var z = Sigmoid(Gate(gi, 0) + Gate(gh, 0));
    var r = Sigmoid(Gate(gi, 1) + Gate(gh, 1));
    var n = (Gate(gi, 2) + r.PointwiseMultiply(Gate(gh, 2))).PointwiseTanh();
    return (1 - z).PointwiseMultiply(n) + z.PointwiseMultiply(h);
}

// Exercise 02.2: keeps the state after the last step of the padded batch, S − 1, for every sequence
Matrix<double> LastRealStates(GruCell cell, Matrix<double> x, int batch, int[] lengths)
{
    int S = x.RowCount / batch;
    var h = M.Dense(batch, cell.HiddenSize);
    for (int t = 0; t < S; t++)
    {
        var xt = M.DenseOfRowVectors(Enumerable.Range(0, batch).Select(b => x.Row(b * S + t)));
        h = cell.Forward(Tensor.Constant(xt), Tensor.Constant(h)).Data;
    }
    return h;
}

// Exercise 02.2: off by one — keeps the state from before the last real step (after step lengths[b] − 2)
Matrix<double> LastRealStates(GruCell cell, Matrix<double> x, int batch, int[] lengths)
{
    int S = x.RowCount / batch;
    var h = M.Dense(batch, cell.HiddenSize);
    var last = M.Dense(batch, cell.HiddenSize);
    for (int t = 0; t < S; t++)
    {
        for (int b = 0; b < batch; b++)
            if (t == lengths[b] - 1) last.SetRow(b, h.Row(b));
        var xt = M.DenseOfRowVectors(Enumerable.Range(0, batch).Select(b => x.Row(b * S + t)));
        h = cell.Forward(Tensor.Constant(xt), Tensor.Constant(h)).Data;
    }
    return last;
}

// Exercise 02.2: reads the batch time-major (row t·B + b) although it is stored batch-major (row b·S + t)
Matrix<double> LastRealStates(GruCell cell, Matrix<double> x, int batch, int[] lengths)
{
    int S = x.RowCount / batch;
    var h = M.Dense(batch, cell.HiddenSize);
    var last = M.Dense(batch, cell.HiddenSize);
    for (int t = 0; t < S; t++)
    {
        var xt = M.DenseOfRowVectors(Enumerable.Range(0, batch).Select(b => x.Row(t * batch + b)));
        h = cell.Forward(Tensor.Constant(xt), Tensor.Constant(h)).Data;
        for (int b = 0; b < batch; b++)
            if (t == lengths[b] - 1) last.SetRow(b, h.Row(b));
    }
    return last;
}

// Exercise 02.3: keeps <eos> in the output
int[] GreedyDecode(Func<IReadOnlyList<int>, Vector<double>> step, int bos, int eos, int maxLength)
{
    var prefix = new List<int> { bos };
    var output = new List<int>();
    for (int i = 0; i < maxLength; i++)
    {
        int best = step(prefix).MaximumIndex();
        output.Add(best);
        prefix.Add(best);
        if (best == eos) break;
    }
    return output.ToArray();
}

// Exercise 02.3: never stops at <eos>, always runs maxLength steps
int[] GreedyDecode(Func<IReadOnlyList<int>, Vector<double>> step, int bos, int eos, int maxLength)
{
    var prefix = new List<int> { bos };
    var output = new List<int>();
    for (int i = 0; i < maxLength; i++)
    {
        int best = step(prefix).MaximumIndex();
        output.Add(best);
        prefix.Add(best);
    }
    return output.ToArray();
}

// Exercise 02.3: off by one — counts <bos> against maxLength, so at most maxLength − 1 tokens
int[] GreedyDecode(Func<IReadOnlyList<int>, Vector<double>> step, int bos, int eos, int maxLength)
{
    var prefix = new List<int> { bos };
    var output = new List<int>();
    while (prefix.Count < maxLength)
    {
        int best = step(prefix).MaximumIndex();
        if (best == eos) break;
        output.Add(best);
        prefix.Add(best);
    }
    return output.ToArray();
}
