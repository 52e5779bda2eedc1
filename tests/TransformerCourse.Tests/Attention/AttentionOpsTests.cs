using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

/// <summary>Attend, the shared last step of RNN attention, against hand-computed values on both paths.</summary>
public class AttentionOpsTests
{
    // B = 2 sequences of T = 2 keys each: rows [0, 2) belong to sequence 0, rows [2, 4) to sequence 1.
    internal static Tensor Keys(bool grad = false) =>
        Tensor.FromArray(new double[,] { { 1, 0 }, { 0, 1 }, { 2, 1 }, { -1, 3 } }, grad);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AttendSoftmaxesTheScoresHidingPaddingAndAveragesTheValues(bool fused)
    {
        using (KernelSwitch.Use(fused))
        {
            // Sequence 0: softmax([0, ln 3]) = [1/4, 3/4]. Sequence 1 has length 1: its second key is hidden.
            var scores = Tensor.FromArray(new double[,] { { 0, Math.Log(3) }, { 5, 7 } });
            var r = AttentionOps.Attend(scores, Keys(), new SequenceBatch(2, 2, [2, 1]));
            Expect.Close(Tensor.FromArray(new double[,] { { 0.25, 0.75 }, { 1, 0 } }).Data, r.Weights.Data, 1e-15,
                "weights");
            Expect.Close(Tensor.FromArray(new double[,] { { 0.25, 0.75 }, { 2, 1 } }).Data, r.Output.Data, 1e-15,
                "context");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AttendPassesGradientChecksWithPadding(bool fused)
    {
        using (KernelSwitch.Use(fused))
        {
            var rng = new Rng(33);
            var e = Gen.Param(3, 4, rng, "e");
            var h = Gen.Param(3 * 4, 2, rng, "h");
            var batch = new SequenceBatch(3, 4, [4, 2, 1]);
            Expect.Gradients(() => AttentionOps.Attend(e, h, batch).Output, e, h);
            Expect.Gradients(() => AttentionOps.Attend(e, h, batch).Weights, e, h);
        }
    }

    [Fact]
    public void ErrorsNameTheOperationAndTheShapes() =>
        Expect.ThrowsArgument(() => AttentionOps.Attend(Tensor.Zeros(3, 2), Tensor.Zeros(4, 1),
            new SequenceBatch(2, 2)), "Attend: scores are 3×2 but the batch is B=2, T=2.");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AttendRejectsValuesOfTheWrongLengthOnBothPaths(bool fused)
    {
        using (KernelSwitch.Use(fused))
        {
            Expect.ThrowsArgument(() => AttentionOps.Attend(Tensor.Zeros(2, 2), Tensor.Zeros(5, 1),
                new SequenceBatch(2, 2)),
                "WeightedSum: weights are 2×2 (B×T) but values are 5×1; values need B·T = 4 rows.");
        }
    }
}
