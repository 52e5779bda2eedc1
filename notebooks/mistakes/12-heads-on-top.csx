// Plausible wrong answers to the exercises of notebooks/12-heads-on-top.ipynb. Each block replaces the whole exercise
// cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block compiles
// and runs, and the exercise's check must print ✘ for it.

// Exercise 12.1: pools by the mean over each sentence's positions instead of taking the first token
Matrix<double> ClassificationHead(Matrix<double> H, int T, Matrix<double> W, Vector<double> bias)
{
    int B = H.RowCount / T;
    var pooled = Matrix<double>.Build.DenseOfRowVectors(Enumerable.Range(0, B)
        .Select(b => H.SubMatrix(b * T, T, 0, H.ColumnCount).ColumnSums() / T));
    var logits = pooled * W.Transpose();
    for (int b = 0; b < B; b++) logits.SetRow(b, logits.Row(b) + bias);
    return logits;
}

// Exercise 12.1: takes rows 0 … B−1 of H (the first B tokens of sentence 0) instead of rows b·T
Matrix<double> ClassificationHead(Matrix<double> H, int T, Matrix<double> W, Vector<double> bias)
{
    int B = H.RowCount / T;
    var first = H.SubMatrix(0, B, 0, H.ColumnCount);
    var logits = first * W.Transpose();
    for (int b = 0; b < B; b++) logits.SetRow(b, logits.Row(b) + bias);
    return logits;
}

// Exercise 12.1: forgets the bias
Matrix<double> ClassificationHead(Matrix<double> H, int T, Matrix<double> W, Vector<double> bias)
{
    int B = H.RowCount / T;
    var first = Matrix<double>.Build.DenseOfRowVectors(Enumerable.Range(0, B).Select(b => H.Row(b * T)));
    return first * W.Transpose();
}

// Exercise 12.2: no shift: row t is scored against the token at t, which the model can see
double CausalLmLoss(Matrix<double> logits, int[] ids, int batch, int padId)
{
    double total = 0; int count = 0;
    for (int r = 0; r < ids.Length; r++)
    {
        if (ids[r] == padId) continue;
        total -= SoftmaxFunctions.Log(logits.Row(r))[ids[r]];
        count++;
    }
    return total / count;
}

// Exercise 12.2: shifts the flat batch by one, so a sentence's last position predicts the next sentence's first token
double CausalLmLoss(Matrix<double> logits, int[] ids, int batch, int padId)
{
    double total = 0; int count = 0;
    for (int r = 0; r + 1 < ids.Length; r++)
    {
        if (ids[r + 1] == padId) continue;
        total -= SoftmaxFunctions.Log(logits.Row(r))[ids[r + 1]];
        count++;
    }
    return total / count;
}

// Exercise 12.2: scores the padding targets too
double CausalLmLoss(Matrix<double> logits, int[] ids, int batch, int padId)
{
    int T = ids.Length / batch;
    double total = 0; int count = 0;
    for (int b = 0; b < batch; b++)
        for (int t = 0; t + 1 < T; t++)
        {
            total -= SoftmaxFunctions.Log(logits.Row(b * T + t))[ids[b * T + t + 1]];
            count++;
        }
    return total / count;
}

// Exercise 12.2: averages each sentence's loss, then the sentences, so a short sentence counts as much as a long one
double CausalLmLoss(Matrix<double> logits, int[] ids, int batch, int padId)
{
    int T = ids.Length / batch;
    double sumOfMeans = 0;
    for (int b = 0; b < batch; b++)
    {
        double total = 0; int count = 0;
        for (int t = 0; t + 1 < T; t++)
        {
            int target = ids[b * T + t + 1];
            if (target == padId) continue;
            total -= SoftmaxFunctions.Log(logits.Row(b * T + t))[target];
            count++;
        }
        sumOfMeans += total / count;
    }
    return sumOfMeans / batch;
}

// Exercise 12.3: picks the first k words in vocabulary order instead of the k largest logits
Vector<double> SamplingDistribution(Vector<double> logits, double temperature, int k)
{
    var p = Vector<double>.Build.Dense(logits.Count);
    double max = logits.Take(k).Max() / temperature;
    for (int i = 0; i < k; i++) p[i] = Math.Exp(logits[i] / temperature - max);
    return p / p.Sum();
}

// Exercise 12.3: takes the softmax over all words and zeroes the rest without renormalising
Vector<double> SamplingDistribution(Vector<double> logits, double temperature, int k)
{
    var all = SoftmaxFunctions.Of(logits, temperature);
    var kept = Enumerable.Range(0, logits.Count).OrderByDescending(i => logits[i]).Take(k).ToHashSet();
    return Vector<double>.Build.Dense(logits.Count, i => kept.Contains(i) ? all[i] : 0);
}

// Exercise 12.3: multiplies the logits by the temperature instead of dividing
Vector<double> SamplingDistribution(Vector<double> logits, double temperature, int k)
{
    var kept = Enumerable.Range(0, logits.Count).OrderByDescending(i => logits[i]).Take(k).ToList();
    double max = kept.Max(i => logits[i]) * temperature;
    var p = Vector<double>.Build.Dense(logits.Count);
    foreach (var i in kept) p[i] = Math.Exp(logits[i] * temperature - max);
    return p / p.Sum();
}
