using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Attention.FixtureModules;

namespace TransformerCourse.Tests.Transformer;

/// <summary>The configuration: each bad setting is named in the error.</summary>
public class TransformerConfigTests
{
    private static readonly TransformerConfig Small = new() { DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0, MaxLength = 16 };

    [Fact]
    public void ConfigErrorsNameTheSetting()
    {
        Expect.ThrowsArgument(() => new TransformerConfig { DModel = 10, Heads = 4 }.Validate(), "d_model=10", "h=4");
        Expect.ThrowsArgument(() => new TransformerConfig { Dropout = 1 }.Validate(), "dropout");
        Expect.ThrowsArgument(() => new DecoderOnlyLM(5, Small, new Rng(1)).Forward([1, 2, 3], new SequenceBatch(1, 4)), "3 ids", "4");
    }
}
