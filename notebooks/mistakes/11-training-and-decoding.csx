// Plausible wrong answers to the exercises of notebooks/11-training-and-decoding.ipynb. Each block replaces the whole
// exercise cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block
// compiles and runs, and the exercise's check must print ✘ for it.

// Exercise 11.1: spreads ε over the C − 1 wrong classes and gives the right class exactly 1 − ε
Matrix<double> SmoothedTargets(int[] targets, int classes, double eps, int ignore)
{
    var q = Matrix<double>.Build.Dense(targets.Length, classes);
    for (int i = 0; i < targets.Length; i++)
    {
        if (targets[i] == ignore) continue;
        for (int c = 0; c < classes; c++) q[i, c] = c == targets[i] ? 1 - eps : eps / (classes - 1);
    }
    return q;
}

// Exercise 11.1: smooths the padding positions too instead of leaving their rows at 0
Matrix<double> SmoothedTargets(int[] targets, int classes, double eps, int ignore)
{
    var q = Matrix<double>.Build.Dense(targets.Length, classes);
    for (int i = 0; i < targets.Length; i++)
        for (int c = 0; c < classes; c++) q[i, c] = (c == targets[i] ? 1 - eps : 0) + eps / classes;
    return q;
}

// Exercise 11.1: forgets the right class's own share ε/C
Matrix<double> SmoothedTargets(int[] targets, int classes, double eps, int ignore)
{
    var q = Matrix<double>.Build.Dense(targets.Length, classes);
    for (int i = 0; i < targets.Length; i++)
    {
        if (targets[i] == ignore) continue;
        for (int c = 0; c < classes; c++) q[i, c] = c == targets[i] ? 1 - eps : eps / classes;
    }
    return q;
}

// Exercise 11.2: never clears the gradients, so each step adds the new gradient to the old ones
double TrainStep(Optimizer optimizer, Func<Tensor> computeLoss, double maxNorm)
{
    var loss = computeLoss();
    loss.Backward();
    GradClip.ClipGradNorm(optimizer.Parameters, maxNorm);
    optimizer.Step();
    return loss.Item();
}

// Exercise 11.2: clips after the optimiser's step, so the step uses the unclipped gradient
double TrainStep(Optimizer optimizer, Func<Tensor> computeLoss, double maxNorm)
{
    optimizer.ZeroGrad();
    var loss = computeLoss();
    loss.Backward();
    optimizer.Step();
    GradClip.ClipGradNorm(optimizer.Parameters, maxNorm);
    return loss.Item();
}

// Exercise 11.2: clips every parameter's gradient to maxNorm on its own instead of their joint norm
double TrainStep(Optimizer optimizer, Func<Tensor> computeLoss, double maxNorm)
{
    optimizer.ZeroGrad();
    var loss = computeLoss();
    loss.Backward();
    foreach (var p in optimizer.Parameters.Where(p => p.Grad is not null))
    {
        double norm = p.Grad!.FrobeniusNorm();
        if (norm > maxNorm) p.Grad = p.Grad * (maxNorm / norm);
    }
    optimizer.Step();
    return loss.Item();
}

// Exercise 11.2: returns the loss computed again after the step instead of the loss the step was taken on
double TrainStep(Optimizer optimizer, Func<Tensor> computeLoss, double maxNorm)
{
    optimizer.ZeroGrad();
    computeLoss().Backward();
    GradClip.ClipGradNorm(optimizer.Parameters, maxNorm);
    optimizer.Step();
    return computeLoss().Item();
}

// Exercise 11.3: ranks the candidates by the next word's log p alone, forgetting the hypothesis' score so far
List<(int Beam, int Token, double Score)> ExpandBeams(double[] beamScores, Matrix<double> nextLogProbs, int k)
{
    var candidates = new List<(int Beam, int Token, double Score)>();
    for (int b = 0; b < beamScores.Length; b++)
        for (int w = 0; w < nextLogProbs.ColumnCount; w++)
            candidates.Add((b, w, nextLogProbs[b, w]));
    return candidates.OrderByDescending(c => c.Score).Take(k).ToList();
}

// Exercise 11.3: keeps the best word of each hypothesis (greedy per beam) instead of the best k candidates overall
List<(int Beam, int Token, double Score)> ExpandBeams(double[] beamScores, Matrix<double> nextLogProbs, int k)
{
    var candidates = new List<(int Beam, int Token, double Score)>();
    for (int b = 0; b < beamScores.Length; b++)
    {
        int w = nextLogProbs.Row(b).MaximumIndex();
        candidates.Add((b, w, beamScores[b] + nextLogProbs[b, w]));
    }
    return candidates.OrderByDescending(c => c.Score).Take(k).ToList();
}

// Exercise 11.3: multiplies the log-probabilities as if they were probabilities
List<(int Beam, int Token, double Score)> ExpandBeams(double[] beamScores, Matrix<double> nextLogProbs, int k)
{
    var candidates = new List<(int Beam, int Token, double Score)>();
    for (int b = 0; b < beamScores.Length; b++)
        for (int w = 0; w < nextLogProbs.ColumnCount; w++)
            candidates.Add((b, w, beamScores[b] * nextLogProbs[b, w]));
    return candidates.OrderByDescending(c => c.Score).Take(k).ToList();
}
