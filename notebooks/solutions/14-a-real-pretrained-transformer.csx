// Reference solutions for notebooks/14-a-real-pretrained-transformer.ipynb. Each solution replaces the whole exercise
// cell with the same "// Exercise <id>" first line; `course run --solutions` and the tests swap them in.

// Exercise 14.1: fill one encoder layer from the file's named matrices
void FillLayer(EncoderLayer layer, Func<string, Matrix<double>> file, int i)
{
    string hf = $"encoder.layer.{i}.";
    Matrix<double> W(string name) => file(hf + name + ".weight").Transpose();     // in×out → out×in
    Matrix<double> B(string name) => file(hf + name + ".bias");                    // 1×n
    var state = new Dictionary<string, Matrix<double>>
    {
        ["self_attn.in_proj_weight"] = W("attention.self.query").Stack(W("attention.self.key")).Stack(W("attention.self.value")),
        ["self_attn.in_proj_bias"] = B("attention.self.query").Append(B("attention.self.key")).Append(B("attention.self.value")),
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
    };
    layer.LoadStateDict(state);
}

// Exercise 14.2: mean pooling over real tokens, then L2 normalisation
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
        result.SetRow(b, mean / mean.L2Norm());
    }
    return result;
}

// Exercise 14.3: exact GELU and its tanh approximation
double GeluErf(double x) => 0.5 * x * (1 + MathNet.Numerics.SpecialFunctions.Erf(x / Math.Sqrt(2)));
double GeluTanh(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
