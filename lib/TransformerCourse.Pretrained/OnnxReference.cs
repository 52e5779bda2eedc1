using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace TransformerCourse.Pretrained;

/// <summary>What ONNX Runtime computes for a batch: the hidden states and BERT's pooled output, float32.</summary>
/// <param name="LastHiddenState">[B, T, d], row-major (b·T + t)·d + j.</param>
/// <param name="Pooled">[B, d]: tanh(W h_[CLS] + b), the file's second output.</param>
/// <param name="Dim">d.</param>
public sealed record OnnxOutputs(float[] LastHiddenState, float[] Pooled, int Dim);

/// <summary>
/// The reference: the same model.onnx run by ONNX Runtime (Microsoft's inference engine, float32, its own kernels),
/// an implementation independent of the course's library.
/// </summary>
public sealed class OnnxReference : IDisposable
{
    private readonly InferenceSession _session;

    /// <summary>Opens a session on the model's bytes (default: the embedded all-MiniLM-L6-v2) with
    /// <paramref name="threads"/> intra-op threads (0 = ONNX Runtime's choice).</summary>
    public OnnxReference(byte[]? model = null, int threads = 0)
    {
        var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _session = new InferenceSession(model ?? MiniLmResources.ModelBytes(), options);
    }

    /// <summary>Runs the model on B·T ids, attention-mask flags and token types (row b·T + t).</summary>
    public OnnxOutputs Run(IReadOnlyList<int> ids, IReadOnlyList<int> attentionMask, IReadOnlyList<int>? tokenTypes,
        int batch)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(attentionMask);
        if (batch <= 0 || ids.Count % batch != 0 || attentionMask.Count != ids.Count
            || (tokenTypes is not null && tokenTypes.Count != ids.Count))
            throw new ArgumentException($"OnnxReference.Run: {ids.Count} ids, {attentionMask.Count} mask flags and " +
                $"{tokenTypes?.Count ?? ids.Count} token types do not make {batch} rows of equal length.");
        int time = ids.Count / batch;
        DenseTensor<long> Input(IReadOnlyList<int>? values) =>
            new(values is null ? new long[ids.Count] : values.Select(v => (long)v).ToArray(), [batch, time]);
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", Input(ids)),
            NamedOnnxValue.CreateFromTensor("attention_mask", Input(attentionMask)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", Input(tokenTypes)),
        };
        using var results = _session.Run(inputs);
        var hidden = results.First(r => r.Name == "last_hidden_state").AsTensor<float>();
        var pooled = results.First(r => r.Name != "last_hidden_state").AsTensor<float>();
        return new OnnxOutputs(hidden.ToArray(), pooled.ToArray(), (int)hidden.Dimensions[2]);
    }

    /// <inheritdoc/>
    public void Dispose() => _session.Dispose();
}
