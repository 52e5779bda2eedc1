using MathNet.Numerics.LinearAlgebra;
using TransformerCourse.Visualization;

namespace TransformerCourse.Tests.Visualization;

public class TextPlotTests
{
    [Fact]
    public void HeatmapShadesFromMinimumToMaximum()
    {
        var m = Matrix<double>.Build.DenseOfArray(new double[,] { { 0, 0.5, 1 }, { 1, 0.25, 0 } });
        var text = TextPlot.Heatmap(m, ["I", "am"], ["a", "b", "c"], 0, 1);
        var lines = text.Split('\n');
        Assert.Equal(" I │  ▒▒██", lines[0]);
        Assert.Equal("am │██░░  ", lines[1]);
        Assert.Equal("    a b c ", lines[2]);
    }

    [Fact]
    public void WordLabelsAreListed()
    {
        var m = Matrix<double>.Build.Dense(1, 2, 0.5);
        var text = TextPlot.Heatmap(m, ["I"], ["나는", "학생입니다"]);
        Assert.Contains("0=나는  1=학생입니다", text);
    }

    [Fact]
    public void SparklineRisesWithTheValues()
    {
        Assert.Equal("▁▅█", TextPlot.Sparkline([0.0, 0.5, 1.0]));
        Assert.Equal("", TextPlot.Sparkline([]));
    }

    [Fact]
    public void MismatchedLabelsAreAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => TextPlot.Heatmap(Matrix<double>.Build.Dense(2, 2), ["x"]));
        Assert.Contains("1 row labels for 2 rows", ex.Message);
    }
}
