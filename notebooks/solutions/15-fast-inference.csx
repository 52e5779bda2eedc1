// Reference solutions for notebooks/15-fast-inference.ipynb. Each solution replaces the whole exercise cell with the
// same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 15.1: one cached attention step
Vector<double> CachedAttentionStep(List<Vector<double>> keys, List<Vector<double>> values,
                                   Vector<double> q, Vector<double> k, Vector<double> v)
{
    keys.Add(k);                                                     // the cache grows by one row
    values.Add(v);
    var scores = Vector<double>.Build.Dense(keys.Count, j => q.DotProduct(keys[j]) / Math.Sqrt(q.Count));
    var weights = scores.Map(s => Math.Exp(s - scores.Maximum()));   // subtract the max for stability
    weights /= weights.Sum();
    var o = Vector<double>.Build.Dense(v.Count);
    for (int j = 0; j < keys.Count; j++) o += weights[j] * values[j];
    return o;
}

// Exercise 15.2: the online-softmax update of (max, sum, output) for a new block of keys
(double M, double L, Vector<double> O) OnlineSoftmaxUpdate(double m, double l, Vector<double> O,
                                                           Vector<double> scores, Matrix<double> values)
{
    double mNew = Math.Max(m, scores.Maximum());
    double rescale = Math.Exp(m - mNew);                             // e^(−∞) = 0 for the start state
    var p = scores.Map(s => Math.Exp(s - mNew));
    return (mNew, rescale * l + p.Sum(), rescale * O + values.TransposeThisAndMultiply(p));
}

// Exercise 15.3: the size of a KV cache by formula
long KvCacheBytes(int layers, int heads, int kvHeads, int dModel, int tokens, int batch, int bytesPerNumber) =>
    2L * layers * batch * tokens * kvHeads * (dModel / heads) * bytesPerNumber;
