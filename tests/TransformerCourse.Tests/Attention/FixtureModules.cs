using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Attention;

/// <summary>Moving PyTorch fixtures in and out of our modules: parameters by state-dict
/// name, masks, gradients.</summary>
public static class FixtureModules
{
    /// <summary>The PyTorch tolerance of issue 3: 1e-9 absolute on outputs and gradients.</summary>
    public const double Tol = 1e-9;

    /// <summary>Copies every <c>param.&lt;name&gt;</c> of the fixture into the module (strict: the names
    /// must match exactly).</summary>
    public static void LoadParams(Module module, TorchFixture f, string fixturePrefix = "param.")
    {
        var state = f.Keys.Where(k => k.StartsWith(fixturePrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[fixturePrefix.Length..], f.Matrix);
        module.LoadStateDict(state, strict: true);
    }

    /// <summary>An input of the fixture as a tensor that requires a gradient.</summary>
    public static Tensor Input(TorchFixture f, string name) => Tensor.Parameter(f.Matrix("input." + name), name);

    /// <summary>loss = Σ y ⊙ upstream, back-propagated (the fixtures' loss).</summary>
    public static void BackwardUpstream(Tensor y, TorchFixture f) =>
        y.Mul(Tensor.Constant(f.Matrix("input.upstream"))).Sum().Backward();

    /// <summary>Asserts every parameter's gradient equals the fixture's <c>grad.&lt;name&gt;</c>.</summary>
    public static void AssertParamGrads(Module module, TorchFixture f, string fixturePrefix = "grad.")
    {
        int n = 0;
        foreach (var p in module.NamedParameters())
        {
            var expected = f.Matrix(fixturePrefix + p.Name);
            Expect.Close(expected, p.Value.Grad ?? Matrix<double>.Build.Dense(p.Value.Rows, p.Value.Cols), Tol,
                $"{f.Name} grad.{p.Name}");
            n++;
        }
        Assert.True(n > 0);
    }

    /// <summary>A 0/1 fixture mask <c>input.&lt;key&gt;</c> (1 = masked) as flags.</summary>
    public static bool[,] Flags(TorchFixture f, string key)
    {
        var m = f.Matrix("input." + key);
        var flags = new bool[m.RowCount, m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                flags[i, j] = m[i, j] != 0;
        return flags;
    }

    /// <summary>The lengths implied by 0/1 key-padding flags (padding must be a suffix).</summary>
    public static int[] LengthsFromFlags(bool[,] flags)
    {
        var lengths = new int[flags.GetLength(0)];
        for (int b = 0; b < lengths.Length; b++)
        {
            int len = 0;
            while (len < flags.GetLength(1) && !flags[b, len]) len++;
            for (int t = len; t < flags.GetLength(1); t++) Assert.True(flags[b, t], "padding is not a suffix");
            lengths[b] = len;
        }
        return lengths;
    }

    /// <summary>The lengths a fixture states in its config ("5,3").</summary>
    public static int[] ConfigLengths(TorchFixture f, string key) =>
        f.ConfigString(key).Split(',')
            .Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The fixture's key-padding flags plus an optional attn_mask (0/1) as one
    /// <see cref="AttentionMask"/>.</summary>
    public static AttentionMask Mask(TorchFixture f, string keyPadding, string? attnMask = null) =>
        new(keyPadding: Flags(f, keyPadding), additive: attnMask is null ? null : Masks.FromFlags(Flags(f, attnMask)));

    /// <summary>B from a fixture input's PyTorch shape [B, T, …].</summary>
    public static int Batch(TorchFixture f, string input) => f.Shape("input." + input)[0];

    /// <summary>T from a fixture input's PyTorch shape [B, T, …].</summary>
    public static int Time(TorchFixture f, string input) => f.Shape("input." + input)[1];
}
