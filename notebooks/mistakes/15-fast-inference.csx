// Plausible wrong answers to the exercises of notebooks/15-fast-inference.ipynb. Each block replaces the whole exercise
// cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line. Every block compiles
// and runs, and the exercise's check must print ✘ for it.

// Exercise 15.1: forgets the 1/√d_k scaling of the scores
Vector<double> CachedAttentionStep(List<Vector<double>> keys, List<Vector<double>> values,
                                   Vector<double> q, Vector<double> k, Vector<double> v)
{
    keys.Add(k);
    values.Add(v);
    var scores = Vector<double>.Build.Dense(keys.Count, j => q.DotProduct(keys[j]));
    var weights = scores.Map(s => Math.Exp(s - scores.Maximum()));
    weights /= weights.Sum();
    var o = Vector<double>.Build.Dense(v.Count);
    for (int j = 0; j < keys.Count; j++) o += weights[j] * values[j];
    return o;
}

// Exercise 15.1: attends over the old cache only, then appends: the new token does not see itself
Vector<double> CachedAttentionStep(List<Vector<double>> keys, List<Vector<double>> values,
                                   Vector<double> q, Vector<double> k, Vector<double> v)
{
    var o = Vector<double>.Build.Dense(v.Count);
    if (keys.Count > 0)
    {
        var scores = Vector<double>.Build.Dense(keys.Count, j => q.DotProduct(keys[j]) / Math.Sqrt(q.Count));
        var weights = scores.Map(s => Math.Exp(s - scores.Maximum()));
        weights /= weights.Sum();
        for (int j = 0; j < keys.Count; j++) o += weights[j] * values[j];
    }
    keys.Add(k);
    values.Add(v);
    return o;
}

// Exercise 15.1: keeps only the newest key and value instead of growing the cache
Vector<double> CachedAttentionStep(List<Vector<double>> keys, List<Vector<double>> values,
                                   Vector<double> q, Vector<double> k, Vector<double> v)
{
    keys.Clear(); values.Clear();
    keys.Add(k);
    values.Add(v);
    return v;                                                        // softmax over one key is 1
}

// Exercise 15.2: does not rescale the old sum and output when the maximum grows
(double M, double L, Vector<double> O) OnlineSoftmaxUpdate(double m, double l, Vector<double> O,
                                                           Vector<double> scores, Matrix<double> values)
{
    double mNew = Math.Max(m, scores.Maximum());
    var p = scores.Map(s => Math.Exp(s - mNew));
    return (mNew, l + p.Sum(), O + values.TransposeThisAndMultiply(p));
}

// Exercise 15.2: rescales by e^(m' − m), the wrong way round
(double M, double L, Vector<double> O) OnlineSoftmaxUpdate(double m, double l, Vector<double> O,
                                                           Vector<double> scores, Matrix<double> values)
{
    double mNew = Math.Max(m, scores.Maximum());
    double rescale = double.IsNegativeInfinity(m) ? 0 : Math.Exp(mNew - m);
    var p = scores.Map(s => Math.Exp(s - mNew));
    return (mNew, rescale * l + p.Sum(), rescale * O + values.TransposeThisAndMultiply(p));
}

// Exercise 15.2: rescales the sum ℓ but forgets to rescale the output O
(double M, double L, Vector<double> O) OnlineSoftmaxUpdate(double m, double l, Vector<double> O,
                                                           Vector<double> scores, Matrix<double> values)
{
    double mNew = Math.Max(m, scores.Maximum());
    double rescale = Math.Exp(m - mNew);
    var p = scores.Map(s => Math.Exp(s - mNew));
    return (mNew, rescale * l + p.Sum(), O + values.TransposeThisAndMultiply(p));
}

// Exercise 15.3: counts the keys but forgets the values (no factor 2)
long KvCacheBytes(int layers, int heads, int kvHeads, int dModel, int tokens, int batch, int bytesPerNumber) =>
    1L * layers * batch * tokens * kvHeads * (dModel / heads) * bytesPerNumber;

// Exercise 15.3: sizes the cache with all h heads, ignoring the grouping
long KvCacheBytes(int layers, int heads, int kvHeads, int dModel, int tokens, int batch, int bytesPerNumber) =>
    2L * layers * batch * tokens * dModel * bytesPerNumber;

// Exercise 15.3: multiplies in int, which overflows past 2,147,483,647 before the conversion to long
long KvCacheBytes(int layers, int heads, int kvHeads, int dModel, int tokens, int batch, int bytesPerNumber) =>
    2 * layers * batch * tokens * kvHeads * (dModel / heads) * bytesPerNumber;
