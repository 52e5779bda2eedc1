using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Data;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Support;
using TransformerCourse.Training;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>One time step out of the (B·T) layout and the steps stacked back: inverse of each other,
/// bad layouts rejected.</summary>
public class SequenceOpsTests
{
    [Fact]
    public void StepAndStackStepsAreInverse()
    {
        var rng = new Rng(8);
        var x = Tensor.Randn(3 * 4, 2, rng, requiresGrad: true);
        var steps = Enumerable.Range(0, 4).Select(t => SequenceOps.Step(x, 3, t)).ToList();
        Assert.Equal(x.Data[1 * 4 + 2, 1], steps[2].Data[1, 1]);               // row b·T + t is step t of sequence b
        Expect.Close(x.Data, SequenceOps.StackSteps(steps).Data, 0, "stacked steps");
        Expect.Gradients(() => SequenceOps
            .StackSteps(Enumerable.Range(0, 4).Select(t => SequenceOps.Step(x, 3, t)).Reverse().ToList()), x);
    }

    [Fact]
    public void StepRejectsABadLayout()
    {
        var ex = Assert.Throws<ArgumentException>(() => SequenceOps.Step(Tensor.Zeros(10, 2), 3, 0));
        Assert.Contains("10×2", ex.Message);
    }
}
