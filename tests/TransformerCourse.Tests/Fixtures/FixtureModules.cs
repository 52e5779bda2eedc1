using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;

namespace TransformerCourse.Tests.Fixtures;

/// <summary>Moving PyTorch fixtures in and out of our modules: parameters by state-dict
/// name, masks, gradients.</summary>
public static class FixtureModules
{
    /// <summary>The PyTorch tolerance of issue 3: 1e-9 absolute on outputs and gradients.</summary>
    public const double Tol = 1e-9;

    /// <summary>The tolerance for single ops, modules and optimiser steps against PyTorch in float64.</summary>
    public const double OpTol = 1e-12;

    /// <summary>The parameter names of the optimiser and clipping fixtures.</summary>
    public static readonly string[] WeightAndBias = ["weight", "bias"];

    /// <summary>The layer sizes and options of an encoder/decoder layer fixture.</summary>
    public static TransformerConfig LayerConfig(TorchFixture f) => new()
    {
        DModel = f.ConfigInt("d_model"),
        Heads = f.ConfigInt("nhead"),
        DFF = f.ConfigInt("dim_feedforward"),
        Dropout = f.ConfigDouble("dropout"),
        Activation = f.ConfigString("activation") == "gelu" ? Activation.Gelu : Activation.Relu,
        NormFirst = f.ConfigBool("norm_first"),
        LayerNormEps = f.ConfigDouble("layer_norm_eps"),
    };

    /// <summary>The optimiser an optimiser fixture names ("Adam", "AdamW" or "SGD") with its settings.</summary>
    public static Optimizer MakeOptimizer(TorchFixture f, Tensor[] ps)
    {
        double lr = f.ConfigDouble("lr"), wd = f.ConfigDouble("weight_decay");
        return f.ConfigString("optimizer") switch
        {
            "Adam" => new Adam(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "AdamW" => new AdamW(ps, lr, f.ConfigDouble("beta1"), f.ConfigDouble("beta2"), f.ConfigDouble("eps"), wd),
            "SGD" => new Sgd(ps, lr, f.ConfigDouble("momentum"), wd, f.ConfigDouble("dampening"),
                f.ConfigBool("nesterov")),
            var other => throw new ArgumentException(other),
        };
    }

    /// <summary>Runs the optimiser fixture <paramref name="name"/>'s steps with PyTorch's gradients and asserts the
    /// parameters and each of <paramref name="buffers"/> after every step.</summary>
    public static void StepsMatchPyTorch(string name, string[] buffers)
    {
        var f = TorchFixture.Load(name);
        var ps = WeightAndBias.Select(n => Tensor.Parameter(f.Matrix("param." + n), n)).ToArray();
        var opt = MakeOptimizer(f, ps);
        for (int step = 1; step <= f.ConfigInt("steps"); step++)
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Grad = f.Matrix($"grad.{WeightAndBias[i]}.step{step}");
            opt.Step();
            var state = opt.StateDict();
            for (int i = 0; i < ps.Length; i++)
            {
                string n = WeightAndBias[i];
                Expect.Close(f.Matrix($"param.{n}.after_step{step}"), ps[i].Data, OpTol, $"{n} after step {step}");
                foreach (var b in buffers)
                    Expect.Close(f.Matrix($"state.{n}.{b}.after_step{step}"), state[$"{i}.{b}"], OpTol,
                        $"{n}.{b} after step {step}");
            }
        }
    }

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
