using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.Nn;

/// <summary>The embedding: lookup, gradients, the padding row, errors.</summary>
public class EmbeddingTests
{
    [Fact]
    public void EmbeddingGradientsAndLookup()
    {
        var rng = new Rng(223);
        var emb = new Embedding(7, 3, rng);
        int[] ids = [2, 6, 2, 0, 2];
        Expect.Gradients(() => emb.Forward(ids), emb.Weight);
        var y = emb.Forward(ids);
        Assert.Equal("5×3", y.Shape);
        for (int i = 0; i < ids.Length; i++) Assert.Equal(emb.Weight.Data.Row(ids[i]), y.Data.Row(i));
        Assert.Equal(["weight"], emb.NamedParameters().Select(p => p.Name));
        Assert.Equal(21, emb.ParameterCount);
    }

    [Fact]
    public void EmbeddingPaddingRowStartsAtZeroAndStaysThere()
    {
        var rng = new Rng(224);
        var emb = new Embedding(5, 4, rng, paddingIndex: 0);
        Assert.Equal(0.0, emb.Weight.Data.Row(0).AbsoluteMaximum());
        Assert.True(emb.Weight.Data.Row(1).AbsoluteMaximum() > 0);
        emb.Forward([0, 3, 0, 1]).Square().Sum().Backward();
        Assert.Equal(0.0, emb.Weight.Grad!.Row(0).AbsoluteMaximum());
        Assert.True(emb.Weight.Grad.Row(3).AbsoluteMaximum() > 0);
    }

    [Fact]
    public void EmbeddingErrors()
    {
        var emb = new Embedding(5, 4, new Rng(225));
        Expect.ThrowsArgument(() => emb.Forward([1, 5]), "Embedding", "id 5", "position 1", "[0, 5)");
        Expect.ThrowsArgument(() => emb.Forward([-1]), "Embedding", "id -1");
        Expect.ThrowsArgument(() => new Embedding(5, 4, new Rng(1), paddingIndex: 5), "Embedding", "padding index 5");
    }

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("embedding")]
    [InlineData("embedding_padding")]
    public void MatchesPyTorch(string name)
    {
        var f = TorchFixture.Load(name);
        int pad = f.ConfigInt("padding_idx");
        var emb = new Embedding(f.ConfigInt("num_embeddings"), f.ConfigInt("embedding_dim"),
            new Rng(1), pad >= 0 ? pad : null);
        if (pad >= 0) Assert.Equal(0.0, emb.Weight.Data.Row(pad).AbsoluteMaximum()); // as PyTorch initialises it
        emb.LoadStateDict(f.Parameters());
        var y = emb.Forward(f.Ints("input.indices")); // (2, 4) ids → 8 rows
        Expect.Close(f.Matrix("output.y"), y.Data, 0, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad.weight"), emb.Weight.Grad!, OpTol, "∂weight");
    }
}
