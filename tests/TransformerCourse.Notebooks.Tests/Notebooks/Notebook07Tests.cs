using TransformerCourse.Notebooks.Tests.Kernel;
using Xunit;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>The headline numbers of notebook 07, read from the notebook executed with the
/// reference solutions.</summary>
public sealed class Notebook07Tests
{

    [Fact]
    public async Task MultiHeadAttentionAgreesWithPyTorchAndTheHandWrittenVersion()
    {
        var nb = await ExecutedNotebooks.Get("07-multi-head-attention.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"agreement with PyTorch: output max \|difference\| ([0-9.eE+-]+)") <= 1e-9);
        Assert.True(nb.Number(@"agreement with PyTorch: output max \|difference\| [0-9.eE+-]+, "
            + @"weights max \|difference\| ([0-9.eE+-]+)") <= 1e-9);
        Assert.True(nb.Number(@"by hand vs MultiHeadAttention: output max \|difference\| ([0-9.eE+-]+)") <= 1e-9);
        Assert.Contains("parameters: MultiHeadAttention(64, 8 heads) 16,640, MultiHeadAttention(64, 1 head) 16,640",
            nb.Text);
    }

    [Fact]
    public async Task TwoHeadsLearnTwoRelations()
    {
        var nb = await ExecutedNotebooks.Get("07-multi-head-attention.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"2 heads: previous letter ([0-9.]+) %") >= 99.0);
        Assert.True(nb.Number(@"2 heads: previous letter [0-9.]+ %, first letter ([0-9.]+) %") >= 99.0);
    }

    [Fact]
    public async Task TheReadablePathGivesTheFusedKernelsNumbers()
    {
        var nb = await ExecutedNotebooks.Get("07-multi-head-attention.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"readable path vs fused kernel: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
