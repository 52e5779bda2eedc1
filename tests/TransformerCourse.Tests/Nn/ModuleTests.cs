using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Nn;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Nn;

public class ModuleTests
{
    /// <summary>A small block with a parameter of its own and named children, as a
    /// Transformer layer would be.</summary>
    private sealed class Block : Module
    {
        public Block(Rng rng)
        {
            Scale = RegisterParameter("scale", Init.Ones(1, 4), 4);
            Ff = RegisterModule("ff",
                new Sequential(new Linear(4, 8, rng), new ReLU(), new Dropout(0.1, rng), new Linear(8, 4, rng)));
            Norm = RegisterModule("norm", new LayerNorm(4));
        }

        public Tensor Scale { get; }
        public Sequential Ff { get; }
        public LayerNorm Norm { get; }

        public Tensor Forward(Tensor x) => Norm.Forward(x.Add(Ff.Forward(x.Mul(Scale))));
    }

    private sealed class Model : Module
    {
        public Model(Rng rng)
        {
            Blocks = [RegisterModule("layers.0", new Block(rng)), RegisterModule("layers.1", new Block(rng))];
        }

        public Block[] Blocks { get; }
    }

    [Fact]
    public void SequentialNamesByPosition()
    {
        var rng = new Rng(200);
        var seq = new Sequential(new Linear(3, 5, rng), new Tanh(), new Linear(5, 2, rng));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.NamedParameters().Select(p => p.Name));
        Assert.Equal([5, 3], seq.NamedParameters().First().Shape);
        Assert.Equal([5], seq.NamedParameters().ElementAt(1).Shape); // a bias is 1-D in PyTorch
        Assert.Equal(5 * 3 + 5 + 2 * 5 + 2, seq.ParameterCount);
        Assert.Equal(4, seq.Parameters().Count);

        var nested = new Sequential(new Tanh(), seq);
        Assert.Equal(["1.0.weight", "1.0.bias", "1.2.weight", "1.2.bias"],
            nested.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void NestedNamesAndCount()
    {
        var model = new Model(new Rng(201));
        string[] block = ["scale", "ff.0.weight", "ff.0.bias", "ff.3.weight", "ff.3.bias", "norm.weight", "norm.bias"];
        Assert.Equal(block.Select(n => "layers.0." + n).Concat(block.Select(n => "layers.1." + n)),
            model.NamedParameters().Select(p => p.Name));
        int perBlock = 4 + (8 * 4 + 8) + (4 * 8 + 4) + 4 + 4;
        Assert.Equal(2 * perBlock, model.ParameterCount);
        Assert.Equal(["layers.0", "layers.1"], model.Children().Select(c => c.Name));
        // A parameter without a name of its own is named after its registration.
        Assert.Equal("scale", model.Blocks[0].Scale.Name);
    }

    [Fact]
    public void TrainAndEvalPropagate()
    {
        var model = new Model(new Rng(202));
        IEnumerable<Module> All(Module m) => new[] { m }.Concat(m.Children().SelectMany(c => All(c.Module)));
        Assert.All(All(model), m => Assert.True(m.Training));
        Assert.Same(model, model.Eval());
        Assert.All(All(model), m => Assert.False(m.Training));
        Assert.True(All(model).Count() > 8);
        model.Train();
        Assert.All(All(model), m => Assert.True(m.Training));
    }

    [Fact]
    public void DropoutModuleIsTheIdentityInEval()
    {
        var rng = new Rng(203);
        var drop = new Dropout(0.5, rng);
        var x = Tensor.Randn(6, 6, rng, requiresGrad: true);
        var trained = drop.Forward(x);
        Assert.Contains(0.0, trained.Data.Enumerate());
        drop.Eval();
        Assert.Same(x, drop.Forward(x));

        // Through a whole model: eval is deterministic, train is not.
        var model = new Model(new Rng(204));
        var input = Tensor.Randn(3, 4, new Rng(205));
        model.Eval();
        Assert.Equal(model.Blocks[0].Forward(input).Data, model.Blocks[0].Forward(input).Data);
        model.Train();
        Assert.NotEqual(model.Blocks[0].Forward(input).Data, model.Blocks[0].Forward(input).Data);
    }

    [Fact]
    public void WholeBlockGradient()
    {
        var model = new Model(new Rng(206));
        model.Eval(); // dropout off: the gradient check needs a deterministic function
        var x = Gen.Param(3, 4, new Rng(207), "x");
        var block = model.Blocks[1];
        block.Norm.Weight.Data.MapInplace(v => v + 0.3);
        Expect.Gradients(() => block.Forward(x), [x, .. block.Parameters()]);
    }

    [Fact]
    public void StateDictRoundTrip()
    {
        var a = new Model(new Rng(208));
        var b = new Model(new Rng(209));
        var state = a.StateDict();
        Assert.Equal(a.NamedParameters().Select(p => p.Name), state.Keys);
        Assert.NotEqual(a.Blocks[0].Ff.Parameters()[0].Data, b.Blocks[0].Ff.Parameters()[0].Data);

        b.LoadStateDict(state);
        foreach (var (pa, pb) in a.NamedParameters().Zip(b.NamedParameters())) Assert
            .Equal(pa.Value.Data, pb.Value.Data);

        // The state dict is a copy: changing the model afterwards does not change it.
        a.Blocks[0].Scale.Data[0, 0] = 42;
        Assert.Equal(1.0, state["layers.0.scale"][0, 0]);
        // Loading copies values into the existing tensors (an optimiser holding them sees the new values).
        var tensor = b.Blocks[0].Scale;
        b.LoadStateDict(a.StateDict());
        Assert.Same(tensor, b.Blocks[0].Scale);
        Assert.Equal(42.0, tensor.Data[0, 0]);
    }

    [Fact]
    public void LoadStateDictAcceptsColumnVectorsForBiases()
    {
        var rng = new Rng(210);
        var lin = new Linear(3, 2, rng);
        var state = lin.StateDict();
        state["bias"] = Matrix<double>.Build.DenseOfArray(new double[,] { { 7 }, { 8 } }); // d×1 instead of 1×d
        lin.LoadStateDict(state);
        Assert.Equal(new double[,] { { 7, 8 } }, lin.Bias!.ToArray());
    }

    [Fact]
    public void LoadStateDictErrors()
    {
        var rng = new Rng(211);
        var seq = new Sequential(new Linear(3, 5, rng), new Tanh(), new Linear(5, 2, rng));
        var state = seq.StateDict();

        var missing = new Dictionary<string, Matrix<double>>(state);
        missing.Remove("2.bias");
        Expect.ThrowsArgument(() => seq.LoadStateDict(missing), "LoadStateDict", "missing 2.bias");

        var extra = new Dictionary<string, Matrix<double>>(state) { ["3.weight"] = Matrix<double>.Build.Dense(1, 1) };
        Expect.ThrowsArgument(() => seq.LoadStateDict(extra), "LoadStateDict", "3.weight");
        seq.LoadStateDict(extra, strict: false); // ignored when not strict
        seq.LoadStateDict(missing, strict: false);

        var wrong = new Dictionary<string, Matrix<double>>(state) { ["2.weight"] = Matrix<double>.Build.Dense(5, 2) };
        Expect.ThrowsArgument(() => seq.LoadStateDict(wrong), "LoadStateDict", "2.weight", "5×2", "2×5");
        Expect.ThrowsArgument(() => seq.LoadStateDict(wrong, strict: false), "LoadStateDict", "2.weight");
    }

    [Fact]
    public void ManyMissingNamesAreCountedNotAllListed()
    {
        // Five linear layers: ten parameters, none given. The message lists six and counts the rest.
        var rng = new Rng(214);
        var seq = new Sequential(Enumerable.Range(0, 5).Select(_ => (ILayer)new Linear(2, 2, rng)).ToArray());
        var ex = Expect.ThrowsArgument(() => seq.LoadStateDict(new Dictionary<string, Matrix<double>>
            {
                ["other"] = Matrix<double>.Build.Dense(1, 1),
            }),
            "LoadStateDict", "Sequential",
            "missing 0.weight, 0.bias, 1.weight, 1.bias, 2.weight, 2.bias and 4 more (10 in all)",
            "unexpected other");
        Assert.DoesNotContain("4.bias", ex.Message);
    }

    [Fact]
    public void AStateDictUnderAPrefixIsRecognised()
    {
        // E.g. SafeTensors.LoadStateDict of a training checkpoint: every name has "model." in front.
        var rng = new Rng(215);
        var seq = new Sequential(new Linear(3, 5, rng), new Tanh(), new Linear(5, 2, rng));
        var before = seq.StateDict();
        var r = new Rng(216);
        var prefixed = new Sequential(new Linear(3, 5, r), new Tanh(), new Linear(5, 2, r)).StateDict()
            .ToDictionary(kv => "model." + kv.Key, kv => kv.Value);
        prefixed["optimizer.step"] = Matrix<double>.Build.Dense(1, 1, 3);
        var ex = Expect.ThrowsArgument(() => seq.LoadStateDict(prefixed), "LoadStateDict", "all 4", "'model.'",
            "training checkpoint", "LoadCheckpoint");
        Assert.DoesNotContain("model.0.weight", ex.Message);
        var sub = new Linear(3, 5, new Rng(217)).StateDict();
        Expect.ThrowsArgument(() => seq.LoadStateDict(sub), "LoadStateDict", "missing", "with '0.' removed");
        foreach (var (name, value) in seq.StateDict()) Assert.Equal(before[name], value);
    }

    [Fact]
    public void AFailedLoadChangesNothing()
    {
        var rng = new Rng(212);
        var seq = new Sequential(new Linear(3, 5, rng), new Tanh(), new Linear(5, 2, rng));
        var before = seq.StateDict();
        var bad = seq.StateDict();
        foreach (var m in bad.Values) m.Clear();
        bad["2.bias"] = Matrix<double>.Build.Dense(1, 3); // wrong shape, after good entries
        Assert.ThrowsAny<ArgumentException>(() => seq.LoadStateDict(bad));
        foreach (var (name, value) in seq.StateDict()) Assert.Equal(before[name], value);
    }

    [Fact]
    public void ZeroGradClearsEveryParameter()
    {
        var rng = new Rng(213);
        var seq = new Sequential(new Linear(3, 5, rng), new GELU(), new Linear(5, 2, rng));
        seq.Forward(Tensor.Randn(4, 3, rng)).Sum().Backward();
        Assert.All(seq.Parameters(), p => Assert.True(Expect.MaxAbs(p.Grad!) > 0));
        seq.ZeroGrad();
        Assert.All(seq.Parameters(), p => Assert.Equal(0.0, Expect.MaxAbs(p.Grad!)));
    }

    private sealed class Clash : Module
    {
        public Clash(bool parameterTwice)
        {
            RegisterParameter("w", Init.Zeros(1, 1));
            if (parameterTwice) RegisterParameter("w", Init.Zeros(1, 1));
            else RegisterModule("w", new LayerNorm(2));
        }
    }

    private sealed class ConstantParameter : Module
    {
        public ConstantParameter() => RegisterParameter("c", Tensor.Zeros(1, 1));
    }

    [Fact]
    public void RegistrationErrors()
    {
        Expect.ThrowsArgument(() => new Clash(true), "'w' is already registered");
        Expect.ThrowsArgument(() => new Clash(false), "'w' is already registered");
        Expect.ThrowsArgument(() => new ConstantParameter(), "'c'", "gradient");
    }
}
