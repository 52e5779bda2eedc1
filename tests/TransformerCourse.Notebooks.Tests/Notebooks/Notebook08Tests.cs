using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;
using Xunit;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>The headline identities of notebook 08, read from the notebook executed with the reference solutions.</summary>
public sealed class Notebook08Tests
{
    private static double Number(string text, string pattern)
    {
        var m = Regex.Match(text, pattern);
        Assert.True(m.Success, $"no line matching /{pattern}/ in the notebook's output");
        return double.Parse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AShiftIsALinearMapAndRopeSeesOnlyTheOffset()
    {
        var nb = await ExecutedNotebooks.Get("08-positional-encoding.ipynb", Engine.Runner, solutions: true);
        Assert.True(Number(nb.Text, @"PE\(pos \+ 5\) vs M_5·PE\(pos\) for pos = 0…94: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
        Assert.True(Number(nb.Text, @"RoPE: \(R_m q\)·\(R_n k\) vs q·\(R_\(n−m\) k\), all m, n < 40: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
        Assert.True(Number(nb.Text, @"R_t x by hand vs RotaryEmbedding.Apply \(40×16\): max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
