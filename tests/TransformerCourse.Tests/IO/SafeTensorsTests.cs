using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra.Double;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.IO;
using TransformerCourse.Optim;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;
using TransformerCourse.Transformer;
using static TransformerCourse.Tests.Fixtures.FixtureModules;

namespace TransformerCourse.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tc-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static readonly TransformerConfig TwoByTwo = new()
    {
        DModel = 8, Heads = 2, DFF = 16, EncoderLayers = 2, DecoderLayers = 2, Dropout = 0,
    };

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("transformer_f64.safetensors", "transformer_2x2", 1e-9)]
    [InlineData("transformer_f32.safetensors", "transformer_2x2_f32", 1e-9)]
    public void PyTorchExportedFileLoadsAndReproducesPyTorchsOutputs(string file, string fixture, double tol)
    {
        var f = TorchFixture.Load(fixture);
        var model = new EncoderDecoder(TwoByTwo, new Rng(1));
        SafeTensors.Load(model, Path.Combine(TorchFixture.Directory, file));
        // The loaded parameters are exactly the fixture's (for F32: its float-rounded values).
        foreach (var p in model.NamedParameters())
            Expect.Close(f.Matrix("param." + p.Name), p.Value.Data, 0, p.Name);
        var srcBatch = new SequenceBatch(2, 5, ConfigLengths(f, "src_lengths"));
        var tgtBatch = new SequenceBatch(2, 4, ConfigLengths(f, "tgt_lengths"));
        var y = model.Forward(Tensor.Constant(f.Matrix("input.src")), srcBatch,
            Tensor.Constant(f.Matrix("input.tgt")), tgtBatch);
        Expect.Close(f.Matrix("output.y"), y.Data, tol, "y");
        var meta = SafeTensors.Read(Path.Combine(TorchFixture.Directory, file)).Metadata;
        Assert.Equal("pt", meta["format"]);
    }

    [Fact]
    public void F64RoundTripIsBitExactAndByteStable()
    {
        var rng = new Rng(80);
        var model = new EncoderDecoder(TwoByTwo, rng);
        foreach (var p in model.Parameters()) p.Data
            .MapInplace(_ => rng.NextGaussian() * Math.Pow(10, rng.Next(-30, 30)));
        string path = PathOf("model.safetensors");
        SafeTensors.Save(model, path, metadata: new Dictionary<string, string> { ["note"] = "round trip" });
        var copy = new EncoderDecoder(TwoByTwo, new Rng(81));
        SafeTensors.Load(copy, path);
        foreach (var (a, b) in model.NamedParameters().Zip(copy.NamedParameters()))
        {
            Assert.Equal(a.Name, b.Name);
            for (int i = 0; i < a.Value.Rows; i++)
                for (int j = 0; j < a.Value.Cols; j++)
                    Assert.Equal(BitConverter.DoubleToInt64Bits(a.Value.Data[i, j]),
                        BitConverter.DoubleToInt64Bits(b.Value.Data[i, j]));
        }
        string again = PathOf("again.safetensors");
        SafeTensors.Save(copy, again, metadata: new Dictionary<string, string> { ["note"] = "round trip" });
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
        Assert.Equal("round trip", SafeTensors.Read(path).Metadata["note"]);
    }

    [Theory]
    [InlineData("transformer_f64.safetensors", "F64")]
    [InlineData("transformer_f32.safetensors", "F32")]
    public void RewritingPyTorchsFileGivesTheSameBytes(string file, string dtype)
    {
        string path = Path.Combine(TorchFixture.Directory, file);
        var original = SafeTensors.Read(path);
        var bytes = SafeTensors.Serialize(original.Tensors.Values, original.Metadata);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, n % 8);
        using var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' '));
        var entry = header.RootElement.GetProperty("encoder.norm.bias");
        Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
        Assert.Equal("[8]", entry.GetProperty("shape").GetRawText());
        // Same sorted names, compact JSON, metadata first, space padding, little-endian data:
        // identical to PyTorch's writer.
        Assert.Equal(File.ReadAllBytes(path), bytes);
    }

    [Fact]
    public void F32RoundTripKeepsFloatValuesExactly()
    {
        var rng = new Rng(82);
        var mha = new MultiHeadAttention(8, 2, rng);
        foreach (var p in mha.Parameters()) p.Data.MapInplace(v => (float)v); // values a float can hold
        string path = PathOf("f32.safetensors");
        SafeTensors.Save(mha, path, SafeTensorsDType.F32);
        Assert.Equal(SafeTensorsDType.F32, SafeTensors.Read(path).Tensors["in_proj_weight"].DType);
        var copy = new MultiHeadAttention(8, 2, new Rng(83));
        SafeTensors.Load(copy, path);
        foreach (var (a, b) in mha.NamedParameters().Zip(copy.NamedParameters()))
            Expect.Close(a.Value.Data, b.Value.Data, 0, a.Name);
        Assert.True(new FileInfo(path).Length < 8 * mha.ParameterCount, "F32 is about half the size of F64");
    }

    [Fact]
    public void TruncatedFileNamesTheTensorAndItsSize()
    {
        string path = PathOf("t.safetensors");
        SafeTensors.Write(path,
            [SafeTensor.FromMatrix("a", DenseMatrix.Create(2, 2, 1.0)),
            SafeTensor.FromMatrix("b.weight", DenseMatrix.Create(4, 3, 2.0))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path));
        Assert.Contains("t.safetensors", ex.Message);
        Assert.Contains("'b.weight'", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
        Assert.Contains("truncated", ex.Message);
        File.WriteAllBytes(path, bytes[..5]);
        Assert.Contains("too short", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path)).Message);
        File.WriteAllBytes(path, bytes[..20]);
        Assert.Contains("header length", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(path)).Message);
    }

    [Fact]
    public void OffsetsThatDoNotFitTheShapeNameTheTensor()
    {
        string header = "{\"w\":{\"dtype\":\"F64\",\"shape\":[4,3],\"data_offsets\":[0,80]}}";
        var bytes = new byte[8 + header.Length + 80];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 8);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes, "bad.safetensors"));
        Assert.Contains("'w'", ex.Message);
        Assert.Contains("[4, 3]", ex.Message);
        Assert.Contains("96 bytes", ex.Message);
        Assert.Contains("[0, 80]", ex.Message);
        string bf16 = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
        var b2 = new byte[8 + bf16.Length + 2];
        BinaryPrimitives.WriteUInt64LittleEndian(b2, (ulong)bf16.Length);
        Encoding.ASCII.GetBytes(bf16).CopyTo(b2, 8);
        Assert.Contains("BF16", Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(b2)).Message);
    }

    [Fact]
    public void ShapeMismatchWithTheModuleNamesTensorAndBothShapes()
    {
        string path = PathOf("mha12.safetensors");
        SafeTensors.Save(new MultiHeadAttention(12, 2, new Rng(1)), path);
        var target = new MultiHeadAttention(8, 2, new Rng(2));
        var before = target.InProjWeight.Data.Clone();
        var ex = Expect.ThrowsArgument(() => SafeTensors.Load(target, path), "mha12.safetensors",
            "in_proj_weight", "[36, 12]", "[24, 8]");
        Assert.NotNull(ex);
        Assert.Equal(before, target.InProjWeight.Data); // nothing was half-loaded
        Expect.ThrowsArgument(() => SafeTensors.Load(new EncoderLayer(8, 2, 16, new Rng(3)), path),
            "missing", "linear1.weight");
    }

    [Fact]
    public void CheckpointResumesTrainingExactly()
    {
        var config = TwoByTwo with { EncoderLayers = 1, DecoderLayers = 1 };
        Tensor Loss(Seq2SeqTransformer m) =>
            Seq2SeqTransformer.Loss(m.Forward([3, 4, 5, 6], new SequenceBatch(1, 4), [1, 3, 4, 5],
                new SequenceBatch(1, 4)), [3, 4, 5, 6], 0, 0.1);
        void Step(Seq2SeqTransformer m, Adam opt)
        {
            opt.ZeroGrad();
            Loss(m).Backward();
            opt.Step();
        }

        var a = new Seq2SeqTransformer(8, 8, config, new Rng(90));
        var optA = new Adam(a.Parameters(), 1e-2);
        for (int i = 0; i < 3; i++) Step(a, optA);
        string path = PathOf("ckpt.safetensors");
        SafeTensors.SaveCheckpoint(path, a, optA, step: 3);

        var b = new Seq2SeqTransformer(8, 8, config, new Rng(91));
        var optB = new Adam(b.Parameters(), 1e-2);
        Assert.Equal(3, SafeTensors.LoadCheckpoint(path, b, optB));
        Assert.Equal(optA.StepCount, optB.StepCount);
        for (int i = 0; i < 2; i++)
        {
            Step(a, optA);
            Step(b, optB);
        }
        foreach (var (pa, pb) in a.NamedParameters().Zip(b.NamedParameters()))
            Expect.Close(pa.Value.Data, pb.Value.Data, 0, pa.Name);
    }

    /// <summary>A safetensors file with this header and <paramref name="dataBytes"/> zero bytes of data.</summary>
    private static byte[] FileWithHeader(string header, int dataBytes)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        Encoding.ASCII.GetBytes(header).CopyTo(bytes, 8);
        return bytes;
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":\"abc\",\"data_offsets\":[0,8]}}", "\"shape\" \"abc\"")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1,-2],\"data_offsets\":[0,8]}}", "\"shape\" [1,-2]")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", "\"shape\" [1.5]")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[[1]],\"data_offsets\":[0,8]}}", "\"shape\" [[1]]")]
    [InlineData("{\"w\":{\"dtype\":5,\"shape\":[1],\"data_offsets\":[0,8]}}", "\"dtype\" 5")]
    [InlineData("{\"w\":{\"dtype\":null,\"shape\":[1],\"data_offsets\":[0,8]}}", "\"dtype\" null")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":\"0-8\"}}", "\"data_offsets\" \"0-8\"")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0]}}", "\"data_offsets\" [0]")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8,16]}}", "two non-negative integers")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,\"8\"]}}", "two non-negative integers")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":{\"a\":0}}}", "\"data_offsets\" {\"a\":0}")]
    [InlineData("{\"w\":5}", "'w' is 5")]
    public void WrongJsonTypesInTheHeaderNameTheFileAndTheTensor(string header, string fragment)
    {
        var ex = Assert.Throws<InvalidDataException>(
            () => SafeTensors.Deserialize(FileWithHeader(header, 8), "bad.safetensors"));
        Assert.Contains("bad.safetensors: tensor 'w'", ex.Message);
        Assert.Contains(fragment, ex.Message);
    }

    [Fact]
    public void MetadataThatIsNotAnObjectIsAnError()
    {
        var bytes = FileWithHeader(
            "{\"__metadata__\":[\"a\"],\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8);
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(bytes, "meta.safetensors"));
        Assert.Contains("meta.safetensors", ex.Message);
        Assert.Contains("\"__metadata__\" is [\"a\"]", ex.Message);
    }

    [Fact]
    public void HugeShapesAreReportedWithExactCounts()
    {
        // 2³² × 2³² = 2⁶⁴ values, 2⁶⁷ bytes: more than a long holds. The message gives the exact numbers.
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(
            FileWithHeader("{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8),
            "huge.safetensors"));
        Assert.Contains("huge.safetensors: tensor 'w'", ex.Message);
        Assert.Contains("[4294967296, 4294967296] F64 (18446744073709551616 values, 147573952589676412928 bytes)",
            ex.Message);

        // 65536⁴ = 2⁶⁴ fits int dimensions but wraps to 0 in 64-bit arithmetic: it must not pass as an empty tensor.
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(
            FileWithHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,0]}}", 0),
            "wrap.safetensors"));
        Assert.Contains("(18446744073709551616 values, 73786976294838206464 bytes)", ex.Message);
        Assert.Contains("span 0 bytes", ex.Message);

        // An empty tensor with a dimension beyond int is consistent but cannot be held here: said so, with the size.
        ex = Assert.Throws<InvalidDataException>(() => SafeTensors.Deserialize(
            FileWithHeader("{\"w\":{\"dtype\":\"F64\",\"shape\":[0,4294967296],\"data_offsets\":[0,0]}}", 0),
            "wide.safetensors"));
        Assert.Contains("dimension 1 (4294967296)", ex.Message);

        // Writing checks the same way: [65536, 65536, 65536, 65536] does not hold 0 values.
        var wrap = new SafeTensor("w", SafeTensorsDType.F64, [65536, 65536, 65536, 65536], []);
        Expect.ThrowsArgument(() => SafeTensors.Serialize([wrap]), "'w'",
            "18446744073709551616 values", "but 0 values");
        Expect.ThrowsArgument(
            () => SafeTensor.FromMatrix("m", DenseMatrix.Create(0, 0, 0), [65536, 65536, 65536, 65536]),
            "'m'", "18446744073709551616 values");
    }

    [Fact]
    public void ACheckpointLoadedAsPlainWeightsIsRecognised()
    {
        var a = new EncoderDecoder(TwoByTwo, new Rng(92));
        string path = PathOf("run.safetensors");
        SafeTensors.SaveCheckpoint(path, a, new Adam(a.Parameters()), step: 0);
        var b = new EncoderDecoder(TwoByTwo, new Rng(93));
        var before = b.StateDict();
        var ex = Expect.ThrowsArgument(() => SafeTensors.Load(b, path), "run.safetensors", "EncoderDecoder",
            $"all {b.NamedParameters().Count()} of its parameter names", "'model.'", "training checkpoint",
            "SafeTensors.LoadCheckpoint");
        Assert.DoesNotContain("decoder.layers.1.norm3.bias", ex.Message); // no list of every name
        foreach (var (name, value) in b.StateDict()) Assert.Equal(before[name], value);
        // With the prefix it loads.
        SafeTensors.LoadInto(b, SafeTensors.Read(path).Tensors, "run.safetensors", strict: false, prefix: "model.");
        foreach (var (pa, pb) in a.NamedParameters().Zip(b.NamedParameters()))
            Assert.Equal(pa.Value.Data, pb.Value.Data);
    }

    [Fact]
    public void PlainWeightsLoadedAsACheckpointAreRecognised()
    {
        var a = new EncoderDecoder(TwoByTwo, new Rng(94));
        string path = PathOf("weights.safetensors");
        SafeTensors.Save(a, path);
        var b = new EncoderDecoder(TwoByTwo, new Rng(95));
        var adam = new Adam(b.Parameters());
        var before = b.StateDict();
        var ex = Assert.Throws<InvalidDataException>(() => SafeTensors.LoadCheckpoint(path, b, adam));
        Assert.Contains("weights.safetensors: not a training checkpoint", ex.Message);
        Assert.Contains("'model.'", ex.Message);
        Assert.Contains("plain weights of EncoderDecoder", ex.Message);
        Assert.Contains("SafeTensors.Load(model, path)", ex.Message);
        Assert.DoesNotContain("decoder.layers.1.norm3.bias", ex.Message);
        foreach (var (name, value) in b.StateDict()) Assert.Equal(before[name], value);
    }

    [Fact]
    public void ACheckpointForAnotherOptimizerChangesNothing()
    {
        var a = new Seq2SeqTransformer(8, 8, TwoByTwo with { EncoderLayers = 1, DecoderLayers = 1 }, new Rng(96));
        var adam = new Adam(a.Parameters(), 1e-2);
        foreach (var p in adam.Parameters) p.Grad = p.Data.Map(v => 0.1 * v);
        adam.Step();
        string path = PathOf("adam.safetensors");
        SafeTensors.SaveCheckpoint(path, a, adam, step: 1);
        var b = new Seq2SeqTransformer(8, 8, TwoByTwo with { EncoderLayers = 1, DecoderLayers = 1 }, new Rng(97));
        var sgd = new Sgd(b.Parameters(), 0.1, momentum: 0.9);
        var before = b.StateDict();
        var sgdBefore = sgd.StateDict();
        Expect.ThrowsArgument(() => SafeTensors.LoadCheckpoint(path, b, sgd), "adam.safetensors",
            "state of Adam, not of Sgd");
        foreach (var (name, value) in b.StateDict()) Assert.Equal(before[name], value);

        // A checkpoint without the optimiser's name (as saved before) is caught by its buffers, before any change.
        var old = SafeTensors.Read(path);
        var oldMeta = old.Metadata.Where(kv => kv.Key != "optimizer").ToDictionary(kv => kv.Key, kv => kv.Value);
        SafeTensors.Write(path, old.Tensors.Values, oldMeta);
        Expect.ThrowsArgument(() => SafeTensors.LoadCheckpoint(path, b, sgd), "adam.safetensors", "does not fit Sgd",
            "'0.momentum_buffer'", "exp_avg, exp_avg_sq");
        foreach (var (name, value) in b.StateDict()) Assert.Equal(before[name], value);
        foreach (var (key, value) in sgd.StateDict()) Assert.Equal(sgdBefore[key], value);
    }

    [Fact]
    public void ACheckpointWithOneOptimizerWideStepStillLoads()
    {
        // Checkpoints saved before per-parameter step counts have only optimizer.step: every parameter gets it.
        var config = TwoByTwo with { EncoderLayers = 1, DecoderLayers = 1 };
        var a = new Seq2SeqTransformer(8, 8, config, new Rng(98));
        var optA = new Adam(a.Parameters(), 1e-2);
        foreach (var p in optA.Parameters) p.Grad = p.Data.Map(v => 0.1 * v);
        optA.Step();
        optA.Step();
        string path = PathOf("old.safetensors");
        SafeTensors.SaveCheckpoint(path, a, optA, step: 2);
        var file = SafeTensors.Read(path);
        Assert.True(file.Tensors.ContainsKey("optimizer.0.step"));
        var oldTensors = file.Tensors.Values
            .Where(t => t.Name == "optimizer.step" || !t.Name.EndsWith(".step", StringComparison.Ordinal));
        SafeTensors.Write(path, oldTensors,
            file.Metadata.Where(kv => kv.Key != "optimizer").ToDictionary(kv => kv.Key, kv => kv.Value));

        var b = new Seq2SeqTransformer(8, 8, config, new Rng(99));
        var optB = new Adam(b.Parameters(), 1e-2);
        Assert.Equal(2, SafeTensors.LoadCheckpoint(path, b, optB));
        Assert.Equal(2, optB.StepCount);
        Assert.All(optB.ParameterStepCounts, n => Assert.Equal(2, n));
        foreach (var (key, value) in optA.StateDict()) Assert.Equal(value, optB.StateDict()[key]);
    }
}
