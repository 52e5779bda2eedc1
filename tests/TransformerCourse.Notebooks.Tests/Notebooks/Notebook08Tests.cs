using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;
using Xunit;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>The headline identities of notebook 08, read from the notebook executed with the
/// reference solutions.</summary>
public sealed class Notebook08Tests
{

    [Fact]
    public async Task AShiftIsALinearMapAndRopeSeesOnlyTheOffset()
    {
        var nb = await ExecutedNotebooks.Get("08-positional-encoding.ipynb", Engine.Runner, solutions: true);
        Assert.True(
            nb.Number(@"PE\(pos \+ 5\) vs M_5·PE\(pos\) for pos = 0…94: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
        Assert.True(nb.Number(@"RoPE: \(R_m q\)·\(R_n k\) vs q·\(R_\(n−m\) k\), all m, n < 40: "
            + @"max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
        Assert.True(
            nb.Number(@"R_t x by hand vs RotaryEmbedding.Apply \(40×16\): max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
