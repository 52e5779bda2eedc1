// Reference solutions for notebooks/12-heads-on-top.ipynb. Each solution replaces the whole exercise cell with the
// same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 12.1: the classification head
Matrix<double> ClassificationHead(Matrix<double> H, int T, Matrix<double> W, Vector<double> bias)
{
    int B = H.RowCount / T;
    var first = Matrix<double>.Build.DenseOfRowVectors(Enumerable.Range(0, B).Select(b => H.Row(b * T)));   // B×d
    var logits = first * W.Transpose();                                                                      // B×C
    for (int b = 0; b < B; b++) logits.SetRow(b, logits.Row(b) + bias);
    return logits;
}

// Exercise 12.2: the shifted causal language-model loss
double CausalLmLoss(Matrix<double> logits, int[] ids, int batch, int padId)
{
    int T = ids.Length / batch;
    double total = 0; int count = 0;
    for (int b = 0; b < batch; b++)
        for (int t = 0; t + 1 < T; t++)                          // the last position predicts nothing
        {
            int target = ids[b * T + t + 1];                     // the next token of the same sentence
            if (target == padId) continue;
            total -= SoftmaxFunctions.Log(logits.Row(b * T + t))[target];
            count++;
        }
    return total / count;                                        // pooled over all predicted tokens
}

// Exercise 12.3: temperature and top-k
Vector<double> SamplingDistribution(Vector<double> logits, double temperature, int k)
{
    var kept = Enumerable.Range(0, logits.Count).OrderByDescending(i => logits[i]).Take(k).ToList();
    double max = kept.Max(i => logits[i]) / temperature;                       // subtract the max for stability
    var p = Vector<double>.Build.Dense(logits.Count);
    foreach (var i in kept) p[i] = Math.Exp(logits[i] / temperature - max);
    return p / p.Sum();
}
