using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Autograd.Kernels;
using TransformerCourse.Seq2Seq;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests.Seq2Seq;

/// <summary>The GRU against PyTorch's nn.GRUCell and nn.GRU (fixtures in tests/fixtures/torch),
/// and by gradient checks.</summary>
public class GruTests
{
    private const double Tol = 1e-9;

    private static Dictionary<string, Matrix<double>> Params(TorchFixture f) =>
        f.Keys.Where(k => k.StartsWith("param.", StringComparison.Ordinal))
              .ToDictionary(k => k["param.".Length..], f.Matrix);

    [Theory]
    [Trait("Reference", "PyTorch")]
    [InlineData("gru", false)]
    [InlineData("gru_bidirectional", true)]
    [InlineData("gru_bidirectional_packed", true)]
    public void GruMatchesPyTorch(string name, bool bidirectional)
    {
        var f = TorchFixture.Load(name);
        var xShape = f.Shape("input.x");
        int batch = xShape[0], time = xShape[1];
        var gru = new Gru(5, 7, new Rng(0), bidirectional);
        gru.LoadStateDict(Params(f));
        var lengths = f.Has("input.lengths") ? f.Ints("input.lengths") : Enumerable.Repeat(time, batch).ToArray();
        var x = Tensor.Parameter(f.Matrix("input.x"), "x");
        // h0 is (directions, B, H): rows d·B + b.
        var h0All = f.Matrix("input.h0");
        var h0 = Tensor.Parameter(h0All.SubMatrix(0, batch, 0, 7), "h0");
        var h0r = bidirectional ? Tensor.Parameter(h0All.SubMatrix(batch, batch, 0, 7), "h0_reverse") : null;

        var output = gru.Forward(x, batch, lengths, h0, h0r);

        Expect.Close(f.Matrix("output.output"), output.Outputs.Data, Tol, "output");
        // h_n is (directions, B, H); ours is B×(H·directions).
        var hn = f.Matrix("output.h_n");
        var expectedFinal = bidirectional
            ? hn.SubMatrix(0, batch, 0, 7).Append(hn.SubMatrix(batch, batch, 0, 7))
            : hn;
        Expect.Close(expectedFinal, output.Final.Data, Tol, "h_n");

        var upHn = f.Matrix("input.upstream_h_n");
        var upFinal = bidirectional ? upHn.SubMatrix(0, batch, 0, 7).Append(upHn.SubMatrix(batch, batch, 0, 7)) : upHn;
        output.Outputs.Mul(Tensor.Constant(f.Matrix("input.upstream"))).Sum()
            .Add(output.Final.Mul(Tensor.Constant(upFinal)).Sum())
            .Backward();

        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
        var gh0 = f.Matrix("grad_input.h0");
        Expect.Close(gh0.SubMatrix(0, batch, 0, 7), h0.Grad!, Tol, "∂h0");
        if (h0r is not null) Expect.Close(gh0.SubMatrix(batch, batch, 0, 7), h0r.Grad!, Tol, "∂h0_reverse");
        foreach (var p in gru.NamedParameters())
            Expect.Close(f.Matrix("grad." + p.Name), p.Value.Grad!, Tol, "∂" + p.Name);
    }

    [Fact]
    public void PaddedStepsKeepTheStateAndOutputZero()
    {
        var rng = new Rng(3);
        var gru = new Gru(3, 4, rng, bidirectional: true);
        var x = Tensor.Randn(2 * 5, 3, rng);
        var padded = gru.Forward(x, 2, [5, 2]);
        // Sequence 1 alone, length 2, must give the same states as inside the padded batch.
        var alone = gru.Forward(x.SliceRows(5, 2), 1, [2]);
        Expect.Close(alone.Outputs.Data, padded.Outputs.Data.SubMatrix(5, 2, 0, 8), 1e-14,
            "states of the short sequence");
        Expect.Close(alone.Final.Data, padded.Final.Data.SubMatrix(1, 1, 0, 8), 1e-14,
            "final state of the short sequence");
        Assert.Equal(0.0, padded.Outputs.Data.SubMatrix(7, 3, 0, 8).Enumerate().Select(Math.Abs).Max());
    }

    [Fact]
    public void GruGradientsPassFiniteDifferences()
    {
        var rng = new Rng(5);
        var gru = new Gru(3, 4, rng, bidirectional: true);
        var x = Tensor.Randn(2 * 3, 3, rng, requiresGrad: true);
        x.Name = "x";
        var inputs = new List<Tensor> { x };
        inputs.AddRange(gru.Parameters());
        Expect.Gradients(() =>
        {
            var o = gru.Forward(x, 2, [3, 2]);
            return Tensor.ConcatRows(o.Outputs, o.Final);
        }, [.. inputs]);
    }

    [Fact]
    public void TwoDirectionsOnTwoThreadsGiveTheNumbersOfOne()
    {
        // With a profile set, Forward runs both directions on the calling thread; without, the backward direction
        // runs on a second thread when there are two cores. Outputs and gradients must agree to the last bit.
        (Matrix<double> Out, Matrix<double>[] Grads) Run(bool profiled)
        {
            var rng = new Rng(6);
            var gru = new Gru(3, 4, rng, bidirectional: true);
            var x = Tensor.Randn(3 * 7, 3, rng, requiresGrad: true);
            Tensor.Profile = profiled ? new OpProfile() : null;
            try
            {
                var o = gru.Forward(x, 3, [7, 2, 5]);
                var y = Tensor.ConcatRows(o.Outputs, o.Final);
                y.Mul(y).Sum().Backward();
                return (y.Data, [x.Grad!, .. gru.Parameters().Select(p => p.Grad!)]);
            }
            finally
            {
                Tensor.Profile = null;
            }
        }
        var (one, oneGrads) = Run(profiled: true);
        var (two, twoGrads) = Run(profiled: false);
        Expect.Close(one, two, 0, "outputs");
        for (int i = 0; i < oneGrads.Length; i++) Expect.Close(oneGrads[i], twoGrads[i], 0, $"gradient {i}");
    }

    [Fact]
    public void BadInputsNameTheShapes()
    {
        var gru = new Gru(3, 4, new Rng(1));
        var ex = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(7, 3), 2, [3, 3]));
        Assert.Contains("Gru", ex.Message);
        Assert.Contains("7×3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => gru.Forward(Tensor.Zeros(6, 3), 2, [3, 4]));
        Assert.Contains("length 4", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new GruCell(3, 4,
            new Rng(1)).Forward(Tensor.Zeros(2, 5), Tensor.Zeros(2, 4)));
        Assert.Contains("2×5", ex.Message);
    }
}
