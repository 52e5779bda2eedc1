using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

public partial class LuongAttentionTests
{
    [Theory]
    [InlineData(LuongScore.Dot, false)]
    [InlineData(LuongScore.General, true)]
    [InlineData(LuongScore.Concat, true)]
    public void TheReadableAndTheFusedPathGiveTheSameScoresContextAndGradients(LuongScore score, bool padded)
    {
        BothPaths.AssertSame($"LuongAttention {score} padded={padded}", () =>
        {
            var rng = new Rng(101);
            var att = new LuongAttention(score, 4, 4, rng, attentionDim: 3);
            var s = Tensor.Randn(2, 4, rng, requiresGrad: true);
            var h = Tensor.Randn(2 * 3, 4, rng, requiresGrad: true);
            var r = att.Forward(s, h, new SequenceBatch(2, 3, padded ? [3, 2] : null));
            return (Tensor.ConcatCols(r.Output, r.Weights), att, [s, h]);
        });
    }
}
