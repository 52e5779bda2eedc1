// Reference solutions for notebooks/11-training-and-decoding.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 11.1: label-smoothed targets
Matrix<double> SmoothedTargets(int[] targets, int classes, double eps, int ignore)
{
    var q = Matrix<double>.Build.Dense(targets.Length, classes);
    for (int i = 0; i < targets.Length; i++)
    {
        if (targets[i] == ignore) continue;                // padding: a row of zeros
        for (int c = 0; c < classes; c++)
            q[i, c] = (c == targets[i] ? 1 - eps : 0) + eps / classes;
    }
    return q;
}

// Exercise 11.2: one training step
double TrainStep(Optimizer optimizer, Func<Tensor> computeLoss, double maxNorm)
{
    optimizer.ZeroGrad();                                      // backward adds to the gradients already there
    var loss = computeLoss();
    loss.Backward();
    var grads = optimizer.Parameters.Where(p => p.Grad is not null).ToList();
    double sumOfSquares = 0;
    foreach (var p in grads) sumOfSquares += Math.Pow(p.Grad!.FrobeniusNorm(), 2);
    double norm = Math.Sqrt(sumOfSquares);                     // all gradients together
    if (norm > maxNorm)
        foreach (var p in grads) p.Grad = p.Grad! * (maxNorm / norm);
    optimizer.Step();
    return loss.Item();
}

// Exercise 11.3: one beam-search expansion step
List<(int Beam, int Token, double Score)> ExpandBeams(double[] beamScores, Matrix<double> nextLogProbs, int k)
{
    var candidates = new List<(int Beam, int Token, double Score)>();
    for (int b = 0; b < beamScores.Length; b++)
        for (int w = 0; w < nextLogProbs.ColumnCount; w++)
            candidates.Add((b, w, beamScores[b] + nextLogProbs[b, w]));
    return candidates.OrderByDescending(c => c.Score).Take(k).ToList();
}
