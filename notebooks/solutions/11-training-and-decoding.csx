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

// Exercise 11.2: the warm-up learning-rate schedule
double WarmupRate(int step, int dModel, int warmup) =>
    Math.Pow(dModel, -0.5) * Math.Min(Math.Pow(step, -0.5), step * Math.Pow(warmup, -1.5));

// Exercise 11.3: one beam-search expansion step
List<(int Beam, int Token, double Score)> ExpandBeams(double[] beamScores, Matrix<double> nextLogProbs, int k)
{
    var candidates = new List<(int Beam, int Token, double Score)>();
    for (int b = 0; b < beamScores.Length; b++)
        for (int w = 0; w < nextLogProbs.ColumnCount; w++)
            candidates.Add((b, w, beamScores[b] + nextLogProbs[b, w]));
    return candidates.OrderByDescending(c => c.Score).Take(k).ToList();
}
