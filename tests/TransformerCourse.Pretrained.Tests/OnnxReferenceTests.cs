using static TransformerCourse.Pretrained.Tests.MiniLmFixture;

namespace TransformerCourse.Pretrained.Tests;

/// <summary>Running ONNX Runtime: shapes, and arguments that do not fit.</summary>
public class OnnxReferenceTests
{
    [Fact]
    public void ReturnsHiddenStatesAndThePooledOutput()
    {
        var outputs = Reference.Run([101, 7592, 102, 101, 102, 0], [1, 1, 1, 1, 1, 0], null, 2);
        Assert.Equal(384, outputs.Dim);
        Assert.Equal(2 * 3 * 384, outputs.LastHiddenState.Length);
        Assert.Equal(2 * 384, outputs.Pooled.Length);
        Assert.All(outputs.Pooled, v => Assert.InRange(v, -1f, 1f));                  // tanh
    }

    [Fact]
    public void MismatchedInputsAreRefused()
    {
        var ex = Assert.Throws<ArgumentException>(() => Reference.Run([101, 102, 0], [1, 1], null, 1));
        Assert.Contains("3 ids, 2 mask flags", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Reference.Run([101, 102, 0], [1, 1, 1], null, 2));
    }
}
