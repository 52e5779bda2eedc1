using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Autograd;
using TransformerCourse.Tests.Fixtures;
using TransformerCourse.Tests.Support;

namespace TransformerCourse.Tests;

/// <summary>Softmax and log-softmax against PyTorch 1.13 in float64 (tests/fixtures/torch).</summary>
public class SoftmaxFunctionsTorchTests
{
    private const double Tol = 1e-12;

    /// <summary>0/1 "hidden" flags to an additive mask of 0 and −∞.</summary>
    private static Matrix<double> Additive(Matrix<double> hidden) =>
        hidden.Map(h => h != 0 ? double.NegativeInfinity : 0.0);

    [Theory]
    [InlineData("softmax", false)]
    [InlineData("log_softmax", true)]
    public void Plain(string name, bool log)
    {
        var f = TorchFixture.Load(name);
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = log ? x.LogSoftmax() : x.Softmax();
        // Log-probabilities reach −2e4 here, whose ulp is 3.6e-12: compare them relative to their size.
        Expect.CloseRelative(f.Matrix("output.y"), y.Data, Tol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");

        // The plain vector functions agree too.
        for (int i = 0; i < x.Rows; i++)
        {
            var row = log ? SoftmaxFunctions.Log(x.Data.Row(i)) : SoftmaxFunctions.Of(x.Data.Row(i));
            Expect.CloseRelative(f.Matrix("output.y").Row(i).ToRowMatrix(), row.ToRowMatrix(), Tol, $"row {i}");
        }
    }

    [Fact]
    public void Temperature()
    {
        var f = TorchFixture.Load("softmax_temperature");
        double t = f.ConfigDouble("temperature");
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = x.Scale(1 / t).Softmax();
        Expect.Close(f.Matrix("output.y"), y.Data, Tol, "y");
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");
        for (int i = 0; i < x.Rows; i++)
            Expect.Close(f.Matrix("output.y").Row(i), SoftmaxFunctions.Of(x.Data.Row(i), t), Tol, $"row {i}");
    }

    [Theory]
    [InlineData("softmax_masked", false)]
    [InlineData("log_softmax_masked", true)]
    public void Masked(string name, bool log)
    {
        var f = TorchFixture.Load(name);
        var hidden = f.Matrix("input.mask");
        var x = Tensor.Parameter(f.Matrix("input.x"));
        var y = log ? x.LogSoftmax(Additive(hidden)) : x.Softmax(Additive(hidden));
        // PyTorch's −∞ outputs are written as 0 in the log-softmax fixture: compare those entries as −∞ ↔ 0.
        var got = y.Data.Map(v => double.IsNegativeInfinity(v) ? 0.0 : v);
        Expect.Close(f.Matrix("output.y"), got, Tol, "y");
        if (log)
        {
            for (int i = 0; i < hidden.RowCount; i++)
                for (int j = 0; j < hidden.ColumnCount; j++)
                    Assert.Equal(hidden[i, j] != 0, double.IsNegativeInfinity(y.Data[i, j]));
        }
        y.Backward(f.Matrix("input.upstream"));
        Expect.Close(f.Matrix("grad_input.x"), x.Grad!, Tol, "∂x");

        if (!log)
        {
            for (int i = 0; i < x.Rows; i++)
            {
                var keep = hidden.Row(i).Select(h => h == 0).ToArray();
                Expect.Close(f.Matrix("output.y").Row(i), SoftmaxFunctions.Masked(x.Data.Row(i), keep), Tol,
                    $"row {i}");
            }
        }
    }
}
