// Plausible wrong answers to the exercises of notebooks/08-positional-encoding.ipynb. Each block replaces the whole
// exercise cell; it compiles and runs, and its check must print ✘. The tests (MistakesTests) swap every block in,
// one at a time.

// Exercise 08.1: the frequency exponent uses i instead of 2i, ω_i = 10000^(−i/d)
Matrix<double> Sinusoidal(int n, int d)
{
    var pe = Matrix<double>.Build.Dense(n, d);
    for (int pos = 0; pos < n; pos++)
        for (int i = 0; 2 * i < d; i++)
        {
            double angle = pos * Math.Pow(10000, -1.0 * i / d);
            pe[pos, 2 * i] = Math.Sin(angle);
            pe[pos, 2 * i + 1] = Math.Cos(angle);
        }
    return pe;
}

// Exercise 08.1: the other layout — all sines in the first half, all cosines in the second (tensor2tensor's)
Matrix<double> Sinusoidal(int n, int d)
{
    var pe = Matrix<double>.Build.Dense(n, d);
    for (int pos = 0; pos < n; pos++)
        for (int i = 0; 2 * i < d; i++)
        {
            double angle = pos * Math.Pow(10000, -2.0 * i / d);
            pe[pos, i] = Math.Sin(angle);
            pe[pos, d / 2 + i] = Math.Cos(angle);
        }
    return pe;
}

// Exercise 08.1: sine and cosine swapped, cos in the even columns
Matrix<double> Sinusoidal(int n, int d)
{
    var pe = Matrix<double>.Build.Dense(n, d);
    for (int pos = 0; pos < n; pos++)
        for (int i = 0; 2 * i < d; i++)
        {
            double angle = pos * Math.Pow(10000, -2.0 * i / d);
            pe[pos, 2 * i] = Math.Cos(angle);
            pe[pos, 2 * i + 1] = Math.Sin(angle);
        }
    return pe;
}

// Exercise 08.2: the blocks rotate the other way, [[cos, −sin], [sin, cos]] (that is M_−k)
Matrix<double> Shift(int k, int d)
{
    var m = Matrix<double>.Build.Dense(d, d);
    for (int i = 0; 2 * i < d; i++)
    {
        double a = k * Math.Pow(10000, -2.0 * i / d), c = Math.Cos(a), s = Math.Sin(a);
        m[2 * i, 2 * i] = c; m[2 * i, 2 * i + 1] = -s;
        m[2 * i + 1, 2 * i] = s; m[2 * i + 1, 2 * i + 1] = c;
    }
    return m;
}

// Exercise 08.2: one angle k·ω_0 = k for every block, forgetting that each pair has its own frequency
Matrix<double> Shift(int k, int d)
{
    var m = Matrix<double>.Build.Dense(d, d);
    for (int i = 0; 2 * i < d; i++)
    {
        double c = Math.Cos(k), s = Math.Sin(k);
        m[2 * i, 2 * i] = c; m[2 * i, 2 * i + 1] = s;
        m[2 * i + 1, 2 * i] = -s; m[2 * i + 1, 2 * i + 1] = c;
    }
    return m;
}

// Exercise 08.3: the "rotate half" pairing (i, i + d/2) of GPT-NeoX-style code instead of adjacent pairs (2i, 2i + 1)
Vector<double> Rope(Vector<double> x, int m)
{
    int half = x.Count / 2;
    var y = Vector<double>.Build.Dense(x.Count);
    for (int i = 0; i < half; i++)
    {
        double a = m * Math.Pow(10000, -2.0 * i / x.Count), c = Math.Cos(a), s = Math.Sin(a);
        y[i] = x[i] * c - x[i + half] * s;
        y[i + half] = x[i] * s + x[i + half] * c;
    }
    return y;
}

// Exercise 08.3: rotates by −m·ω_i (the sign of the sine flipped)
Vector<double> Rope(Vector<double> x, int m)
{
    var y = Vector<double>.Build.Dense(x.Count);
    for (int i = 0; 2 * i < x.Count; i++)
    {
        double a = m * Math.Pow(10000, -2.0 * i / x.Count), c = Math.Cos(a), s = Math.Sin(a);
        y[2 * i] = x[2 * i] * c + x[2 * i + 1] * s;
        y[2 * i + 1] = -x[2 * i] * s + x[2 * i + 1] * c;
    }
    return y;
}
