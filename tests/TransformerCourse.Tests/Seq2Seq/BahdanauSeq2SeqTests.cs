using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>
/// <see cref="BahdanauSeq2Seq"/>: additive attention computed from the previous decoder state, by hand.
/// </summary>
public class BahdanauSeq2SeqTests
{
    [Fact]
    public void FirstStepAttentionIsTheSoftmaxOfVTanhWsPlusUhFromTheBridgedState()
    {
        var model = new BahdanauSeq2Seq(RecurrentModels.Tiny, new Rng(9));
        var source = RecurrentModels.Batch().Source;
        using var noGrad = Tensor.NoGrad();
        var encoded = model.Encoder.Forward(source);
        var h = encoded.States.Data;
        // s₀ = tanh(W_b h_final + b_b), by hand.
        var s0 = encoded.Final.Data * model.Bridge.Weight.Data.Transpose();
        for (int b = 0; b < s0.RowCount; b++) s0.SetRow(b, s0.Row(b) + model.Bridge.Bias!.Data.Row(0));
        s0 = s0.Map(Math.Tanh);
        var (w, u, v) = (model.Attention.W.Weight.Data, model.Attention.U.Weight.Data, model.Attention.V.Weight.Data);

        var step = model.Step(model.Start(source), [1, 1]);
        var attention = step.Attention!;
        int time = source.Time;
        Assert.Equal((2, time), (attention.RowCount, attention.ColumnCount));
        for (int b = 0; b < 2; b++)
        {
            int len = source.Lengths[b];
            var ws = w * s0.Row(b);
            var e = Vector<double>.Build.Dense(len, j => v.Row(0) * (ws + u * h.Row(b * time + j)).Map(Math.Tanh));
            var a = e.Map(x => Math.Exp(x - e.Maximum()));
            a /= a.Sum();
            Expect.Close(a, attention.Row(b).SubVector(0, len), 1e-12, $"a_1j of sequence {b}");
            for (int j = len; j < time; j++) Assert.Equal(0.0, attention[b, j]);
        }
    }

    [Fact]
    public void StepAttentionEqualsTheTeacherForcedAttentionMaps()
    {
        var model = new BahdanauSeq2Seq(RecurrentModels.Tiny, new Rng(10));
        var batch = RecurrentModels.Batch();
        var maps = model.AttentionMaps(batch);
        using var noGrad = Tensor.NoGrad();
        var state = model.Start(batch.Source);
        for (int t = 0; t < batch.DecoderInput.Time; t++)
        {
            var step = model.Step(state, [batch.DecoderInput.Ids[0, t], batch.DecoderInput.Ids[1, t]]);
            for (int b = 0; b < 2; b++)
                Expect.Close(maps[b].Row(t), step.Attention!.Row(b), 1e-12, $"step {t}, seq {b}");
            state = step.State;
        }
    }

    [Fact]
    public void LayersHaveTheDocumentedSizes()
    {
        // E = 3, D = 2·3 (bidirectional), H_dec = 4, A = 3, V = 8.
        var model = new BahdanauSeq2Seq(RecurrentModels.Tiny, new Rng(11));
        Assert.Equal((3, 4), (model.Attention.W.Weight.Rows, model.Attention.W.Weight.Cols));
        Assert.Equal((3, 6), (model.Attention.U.Weight.Rows, model.Attention.U.Weight.Cols));
        Assert.Equal((1, 3), (model.Attention.V.Weight.Rows, model.Attention.V.Weight.Cols));
        Assert.Equal((3 + 6, 4), (model.Cell.InputSize, model.Cell.HiddenSize));
        var output = model.NamedParameters().Single(p => p.Name == "out.weight");
        Assert.Equal((8, 4 + 6 + 3), (output.Value.Rows, output.Value.Cols));
    }
}
