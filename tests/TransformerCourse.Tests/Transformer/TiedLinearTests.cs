using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Transformer;

public class TiedLinearTests
{
    [Fact]
    public void TheReadableAndTheFusedPathGiveTheSameOutputAndGradients()
    {
        BothPaths.AssertSame("TiedLinear", () =>
        {
            var rng = new Rng(91);
            var table = Tensor.Randn(7, 4, rng, requiresGrad: true);
            var tied = new TiedLinear(table);
            tied.Bias!.Data.MapInplace(_ => rng.NextGaussian());
            var x = Tensor.Randn(5, 4, rng, requiresGrad: true);
            return (tied.Forward(x), tied, [x, table]);
        });
    }
}
