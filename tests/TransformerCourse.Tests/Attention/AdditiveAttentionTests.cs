using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public partial class AdditiveAttentionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheReadableAndTheFusedPathGiveTheSameScoresContextAndGradients(bool padded)
    {
        BothPaths.AssertSame($"AdditiveAttention padded={padded}", () =>
        {
            var rng = new Rng(61);
            var att = new AdditiveAttention(3, 4, 5, rng);
            var s = Tensor.Randn(2, 3, rng, requiresGrad: true);
            var h = Tensor.Randn(2 * 4, 4, rng, requiresGrad: true);
            var r = att.Forward(s, h, new SequenceBatch(2, 4, padded ? [4, 2] : null));
            return (Tensor.ConcatCols(r.Output, r.Weights), att, [s, h]);
        });
    }
}
