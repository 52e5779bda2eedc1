using TransformerCourse.Notebooks.Tests.Kernel;
using Xunit;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>The headline numbers of notebook 10, read from the notebook executed with the
/// reference solutions.</summary>
public sealed class Notebook10Tests
{
    private const string Name = "10-the-full-transformer.ipynb";


    [Fact]
    public async Task TheCopyTaskIsLearnedPerfectly()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        Assert.Equal(100.0, nb.Number(@"test exact match: ([0-9.]+)% of 1,000 held-out sequences"));
    }

    [Fact]
    public async Task TheBaseModelHasTheParametersTheFormulaSaysWithinAFewPercentOf65Million()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        double formula = nb.Number(@"parameters: formula ([0-9,]+), library model");
        double library = nb.Number(@"parameters: formula [0-9,]+, library model ([0-9,]+)");
        Assert.Equal(63_121_544, formula);
        Assert.Equal(formula, library);
        Assert.InRange(Math.Abs(library - 65e6) / 65e6, 0, 0.05);
    }

    [Fact]
    public async Task TheLibraryAgreesWithPyTorchsTransformer()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"agreement with PyTorch: memory max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
        Assert.True(nb.Number(@"agreement with PyTorch: memory max \|difference\| [0-9.eE+-]+, "
            + @"decoder output max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }

    [Fact]
    public async Task TheReadablePathGivesTheFusedKernelsNumbers()
    {
        var nb = await ExecutedNotebooks.Get("10-the-full-transformer.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"readable path vs fused kernel: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
