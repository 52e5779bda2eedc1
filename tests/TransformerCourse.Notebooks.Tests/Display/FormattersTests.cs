using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;
using TransformerCourse.Display;

namespace TransformerCourse.Notebooks.Tests.Display;

/// <summary>How the course's values show once <c>Notebook.Setup()</c> has
/// registered the formatters.</summary>
[Collection("formatters")]
public class FormattersTests
{
    public FormattersTests() => Notebook.Setup();

    [Fact]
    public void AMatrixShowsItsShapeAndRowsAsHtmlAndText()
    {
        var m = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var values = FormattedValue.CreateManyFromObject(m);

        Assert.Equal(["text/html", "text/plain"], values.Select(v => v.MimeType));
        var html = values[0].Value;
        Assert.Contains("Matrix &#183; 2&#215;3", html);                      // "Matrix · 2×3"
        Assert.Equal(2, html.Split("<tr><th style=\"padding:0 6px;text-align:left\">").Length - 1);   // two body rows
        Assert.Contains("<td style=\"padding:0 6px\">4</td><td style=\"padding:0 6px\">5</td>", html);
        Assert.Equal("Matrix · 2×3\n  1  2  3\n  4  5  6", values[1].Value);
    }

    [Fact]
    public void LabelsNameRowsAndColumnsAndMustMatchTheShape()
    {
        var m = Matrix<double>.Build.DenseOfArray(new double[,] { { 0.25, 0.75 }, { 1, 0 } });
        var text = m.WithLabels(["I", "am"], ["나는", "학생"], "weights").ToDisplayString("text/plain");

        Assert.Equal("weights · 2×2\n      나는    학생\nI   0.25  0.75\nam     1     0", text);
        var e = Assert.Throws<ArgumentException>(() => m.WithLabels(["only one"], null));
        Assert.Contains("2 rows but 1 row labels", e.Message);
    }

    [Fact]
    public void ALargeMatrixElidesItsMiddle()
    {
        var m = Matrix<double>.Build.Dense(40, 3, (i, j) => i);
        var text = m.ToDisplayString("text/plain").Split('\n');

        Assert.Equal("Matrix · 40×3", text[0]);
        Assert.Equal(1 + 6 + 1 + 6, text.Length);                             // caption, 6 rows, ⋮, 6 rows
        Assert.Contains("⋮", text[7]);
        Assert.StartsWith("  39", text[^1]);
    }

    [Fact]
    public void AVectorShowsItsLength()
    {
        var v = Vector<double>.Build.Dense([1.5, -2, 1e-7]);
        Assert.Equal("Vector · length 3\n[ 1.5, -2, 1E-07 ]", v.ToDisplayString("text/plain"));
        Assert.Contains("Vector &#183; length 3", v.ToDisplayString("text/html"));
    }

    [Fact]
    public void AChartIsADivAndAScriptThatUsesTheLoadedPlotly()
    {
        var chart =
            Plots.Heatmap(Matrix<double>.Build.DenseIdentity(2), "identity", "column", "row", ["a", "a"], ["x", "y"]);
        var html = chart.ToDisplayString("text/html");

        Assert.Matches("<div id=\"tc-chart-[0-9a-f]{12}\" class=\"tc-chart\"></div>", html);
        Assert.Contains("window.Plotly.newPlot", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);     // nothing is fetched
        Assert.DoesNotContain("require", html, StringComparison.Ordinal);
        Assert.Contains("\"a\",\"a\u200b\"", html);                                // a repeated token keeps its own row
        Assert.Equal("[chart \"identity\": heatmap, 1 trace; drawn in VS Code and in the executed notebook]",
            chart.ToDisplayString("text/plain"));
    }

    [Fact]
    public void TheSetupOutputCarriesPlotlyJsOnceAsAGlobal()
    {
        var html = Notebook.Setup().ToDisplayString("text/html");

        Assert.Matches(@"plotly\.js v2\.\d+\.\d+", html);
        Assert.Contains("}).call(window, undefined, undefined, undefined);", html);   // no AMD/CommonJS module
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "</script>"));   // plotly.js's own are escaped
        Assert.True(html.Length > 3_000_000);
    }

    [Fact]
    public void ChartsCheckTheirLabels()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Plots.Attention(Matrix<double>.Build.Dense(2, 3), ["q1", "q2"], ["k1", "k2"], "t"));
        Assert.Contains("Plots.Attention: the matrix is 2×3 but 2 column (key) labels", e.Message);
    }
}

[CollectionDefinition("formatters", DisableParallelization = true)]
public class FormattersCollection;
