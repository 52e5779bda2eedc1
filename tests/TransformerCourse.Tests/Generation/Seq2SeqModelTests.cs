using TransformerCourse.Autograd;
using TransformerCourse.Generation;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Generation;

/// <summary>The GRU encoder–decoders as <see cref="Seq2SeqModel"/>s: the loss's gradients pass finite
/// differences.</summary>
public class Seq2SeqModelTests
{
    [Theory]
    [MemberData(nameof(RecurrentModels.Kinds), MemberType = typeof(RecurrentModels))]
    public void GradientsPassFiniteDifferences(string kind)
    {
        var model = RecurrentModels.Make(kind, RecurrentModels.Tiny, new Rng(11));
        var batch = RecurrentModels.Batch();
        var parameters = model.Parameters();
        var result = GradCheck.Check(() => model.Loss(batch, labelSmoothing: 0.1), parameters, maxElementsPerInput: 12);
        Assert.True(result.Passed(Expect.GradTolerance), result.ToString());
    }
}
