// Reference solutions for notebooks/08-positional-encoding.ipynb. Each solution replaces the whole exercise cell with
// the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 08.1: the sinusoidal positional-encoding matrix
Matrix<double> Sinusoidal(int n, int d)
{
    var pe = Matrix<double>.Build.Dense(n, d);
    for (int pos = 0; pos < n; pos++)
        for (int i = 0; 2 * i < d; i++)
        {
            double angle = pos * Math.Pow(10000, -2.0 * i / d);
            pe[pos, 2 * i] = Math.Sin(angle);
            pe[pos, 2 * i + 1] = Math.Cos(angle);
        }
    return pe;
}

// Exercise 08.2: the rotation M_k with PE(pos + k) = M_k · PE(pos)
Matrix<double> Shift(int k, int d)
{
    var m = Matrix<double>.Build.Dense(d, d);
    for (int i = 0; 2 * i < d; i++)
    {
        double a = k * Math.Pow(10000, -2.0 * i / d), c = Math.Cos(a), s = Math.Sin(a);
        m[2 * i, 2 * i] = c; m[2 * i, 2 * i + 1] = s;
        m[2 * i + 1, 2 * i] = -s; m[2 * i + 1, 2 * i + 1] = c;
    }
    return m;
}

// Exercise 08.3: rotate a query or key vector at position m (RoPE)
Vector<double> Rope(Vector<double> x, int m)
{
    var y = Vector<double>.Build.Dense(x.Count);
    for (int i = 0; 2 * i < x.Count; i++)
    {
        double a = m * Math.Pow(10000, -2.0 * i / x.Count), c = Math.Cos(a), s = Math.Sin(a);
        y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
        y[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c;
    }
    return y;
}
