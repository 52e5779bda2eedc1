using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

/// <summary>An attention mask per sequence describes the same matrices as the batched masks.</summary>
public class AttentionMaskTests
{
    [Fact]
    public void AttentionMaskDescribesTheSameMatricesPerSequence()
    {
        var mask = new AttentionMask(causal: true, keyLengths: [3, 2]);
        Assert.Equal(Masks.Combine(Masks.Causal(3), Masks.Padding(3, 3)), mask.ForSequence(0, 3, 3));
        Assert.Equal(Masks.Combine(Masks.Causal(3), Masks.Padding(2, 3)), mask.ForSequence(1, 3, 3));
        var flags = new bool[2, 3];
        flags[1, 2] = true;
        var fromFlags = new AttentionMask(causal: true, keyPadding: flags);
        Assert.Equal(mask.ToMatrix(2, 3, 3), fromFlags.ToMatrix(2, 3, 3));
        Assert.Equal(6, mask.ToMatrix(2, 3, 3).RowCount);
        Assert.True(AttentionMask.None.IsEmpty);
        var batch = new SequenceBatch(2, 3, [3, 2]);
        Assert.Equal(mask.ToMatrix(2, 3, 3), AttentionMask.ForKeys(batch, causal: true).ToMatrix(2, 3, 3));
    }
}
