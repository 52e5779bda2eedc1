// Plausible wrong answers to the exercises of notebooks/14-a-real-pretrained-transformer.ipynb. Each block replaces
// the whole exercise cell; it starts with "// Exercise <exercise id>: <the mistake>" and runs to the next such line.
// Every block compiles and runs, and the exercise's check must print ✘ for it.

// Exercise 14.1: keeps the file's in×out layout for the square attention matrices (transposes only where shapes force it)
void FillLayer(EncoderLayer layer, Func<string, Matrix<double>> file, int i)
{
    string hf = $"encoder.layer.{i}.";
    Matrix<double> W(string name) => file(hf + name + ".weight");
    Matrix<double> B(string name) => file(hf + name + ".bias");
    layer.LoadStateDict(new Dictionary<string, Matrix<double>>
    {
        ["self_attn.in_proj_weight"] = W("attention.self.query").Stack(W("attention.self.key")).Stack(W("attention.self.value")),
        ["self_attn.in_proj_bias"] = B("attention.self.query").Append(B("attention.self.key")).Append(B("attention.self.value")),
        ["self_attn.out_proj.weight"] = W("attention.output.dense"),
        ["self_attn.out_proj.bias"] = B("attention.output.dense"),
        ["linear1.weight"] = W("intermediate.dense").Transpose(),
        ["linear1.bias"] = B("intermediate.dense"),
        ["linear2.weight"] = W("output.dense").Transpose(),
        ["linear2.bias"] = B("output.dense"),
        ["norm1.weight"] = W("attention.output.LayerNorm"),
        ["norm1.bias"] = B("attention.output.LayerNorm"),
        ["norm2.weight"] = W("output.LayerNorm"),
        ["norm2.bias"] = B("output.LayerNorm"),
    });
}

// Exercise 14.1: stacks the blocks in the order key, query, value
void FillLayer(EncoderLayer layer, Func<string, Matrix<double>> file, int i)
{
    string hf = $"encoder.layer.{i}.";
    Matrix<double> W(string name) => file(hf + name + ".weight").Transpose();
    Matrix<double> B(string name) => file(hf + name + ".bias");
    layer.LoadStateDict(new Dictionary<string, Matrix<double>>
    {
        ["self_attn.in_proj_weight"] = W("attention.self.key").Stack(W("attention.self.query")).Stack(W("attention.self.value")),
        ["self_attn.in_proj_bias"] = B("attention.self.key").Append(B("attention.self.query")).Append(B("attention.self.value")),
        ["self_attn.out_proj.weight"] = W("attention.output.dense"),
        ["self_attn.out_proj.bias"] = B("attention.output.dense"),
        ["linear1.weight"] = W("intermediate.dense"),
        ["linear1.bias"] = B("intermediate.dense"),
        ["linear2.weight"] = W("output.dense"),
        ["linear2.bias"] = B("output.dense"),
        ["norm1.weight"] = file(hf + "attention.output.LayerNorm.weight"),
        ["norm1.bias"] = B("attention.output.LayerNorm"),
        ["norm2.weight"] = file(hf + "output.LayerNorm.weight"),
        ["norm2.bias"] = B("output.LayerNorm"),
    });
}

// Exercise 14.1: swaps the two layer norms (the one after attention is output.LayerNorm, it is not)
void FillLayer(EncoderLayer layer, Func<string, Matrix<double>> file, int i)
{
    string hf = $"encoder.layer.{i}.";
    Matrix<double> W(string name) => file(hf + name + ".weight").Transpose();
    Matrix<double> B(string name) => file(hf + name + ".bias");
    layer.LoadStateDict(new Dictionary<string, Matrix<double>>
    {
        ["self_attn.in_proj_weight"] = W("attention.self.query").Stack(W("attention.self.key")).Stack(W("attention.self.value")),
        ["self_attn.in_proj_bias"] = B("attention.self.query").Append(B("attention.self.key")).Append(B("attention.self.value")),
        ["self_attn.out_proj.weight"] = W("attention.output.dense"),
        ["self_attn.out_proj.bias"] = B("attention.output.dense"),
        ["linear1.weight"] = W("intermediate.dense"),
        ["linear1.bias"] = B("intermediate.dense"),
        ["linear2.weight"] = W("output.dense"),
        ["linear2.bias"] = B("output.dense"),
        ["norm1.weight"] = file(hf + "output.LayerNorm.weight"),
        ["norm1.bias"] = B("output.LayerNorm"),
        ["norm2.weight"] = file(hf + "attention.output.LayerNorm.weight"),
        ["norm2.bias"] = B("attention.output.LayerNorm"),
    });
}

// Exercise 14.2: averages over all T positions, padding included
Matrix<double> MeanPoolNormalize(Matrix<double> H, int[] mask, int T)
{
    int B = H.RowCount / T;
    var result = Matrix<double>.Build.Dense(B, H.ColumnCount);
    for (int b = 0; b < B; b++)
    {
        var mean = H.SubMatrix(b * T, T, 0, H.ColumnCount).ColumnSums() / T;
        result.SetRow(b, mean / mean.L2Norm());
    }
    return result;
}

// Exercise 14.2: forgets the L2 normalisation
Matrix<double> MeanPoolNormalize(Matrix<double> H, int[] mask, int T)
{
    int B = H.RowCount / T;
    var result = Matrix<double>.Build.Dense(B, H.ColumnCount);
    for (int b = 0; b < B; b++)
    {
        var sum = Vector<double>.Build.Dense(H.ColumnCount);
        int count = 0;
        for (int t = 0; t < T; t++)
            if (mask[b * T + t] == 1) { sum += H.Row(b * T + t); count++; }
        result.SetRow(b, sum / count);
    }
    return result;
}

// Exercise 14.2: normalises by the sum of absolute values (L1) instead of the Euclidean length
Matrix<double> MeanPoolNormalize(Matrix<double> H, int[] mask, int T)
{
    int B = H.RowCount / T;
    var result = Matrix<double>.Build.Dense(B, H.ColumnCount);
    for (int b = 0; b < B; b++)
    {
        var sum = Vector<double>.Build.Dense(H.ColumnCount);
        int count = 0;
        for (int t = 0; t < T; t++)
            if (mask[b * T + t] == 1) { sum += H.Row(b * T + t); count++; }
        var mean = sum / count;
        result.SetRow(b, mean / mean.L1Norm());
    }
    return result;
}

// Exercise 14.3: uses erf(x) instead of erf(x/√2), the CDF of a normal with variance 1/2
double GeluErf(double x) => 0.5 * x * (1 + MathNet.Numerics.SpecialFunctions.Erf(x));
double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

// Exercise 14.3: drops the factor 1/2 of Φ
double GeluErf(double x) => x * (1 + MathNet.Numerics.SpecialFunctions.Erf(x / Math.Sqrt(2)));
double GeluTanh(double x) => x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

// Exercise 14.3: leaves out √(2/π) inside the tanh
double GeluErf(double x) => 0.5 * x * (1 + MathNet.Numerics.SpecialFunctions.Erf(x / Math.Sqrt(2)));
double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(x + 0.044715 * x * x * x));
