using MathNet.Numerics.LinearAlgebra;
using Plotly.NET;
using TransformerCourse.Attention;
using TransformerCourse.Training;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Plotly.NET.CSharp;

namespace TransformerCourse.Display;

/// <summary>One curve of a line chart: a name and its points.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values, one per x.</param>
public sealed record Curve(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>
/// The course's chart shapes, built with Plotly.NET and following one set of conventions: one idea per chart, a title,
/// axis titles, token labels on every attention map (queries down the side, keys along the top, first query at the
/// top). Each returns a Plotly.NET <c>GenericChart</c>: make it a cell's last expression (or call <c>.Display()</c>)
/// to draw it. For any other chart use Plotly.NET.CSharp's <c>Chart</c> directly.
/// </summary>
public static class Plots
{
    /// <summary>Default size of a single chart, in pixels.</summary>
    public const int Width = 640, Height = 420;

    /// <summary>
    /// An attention map: <paramref name="weights"/> is T_q×T_k (row i: how much query i attends to each key),
    /// labelled with the query tokens down the side and the key tokens along the bottom.
    /// </summary>
    public static GenericChart Attention(Matrix<double> weights, IReadOnlyList<string> queries,
        IReadOnlyList<string> keys, string title, string queryAxis = "query", string keyAxis = "key")
    {
        Setup();
        CheckLabels("Plots.Attention", weights, queries, keys);
        return Heatmap(weights, title, keyAxis, queryAxis, queries, keys, zMin: 0);
    }

    /// <summary>
    /// A heatmap of a matrix, rows down the side (first row at the top) and columns along the bottom, optionally
    /// labelled; <paramref name="zMin"/>/<paramref name="zMax"/> fix the colour range.
    /// </summary>
    public static GenericChart Heatmap(Matrix<double> values, string title, string xTitle, string yTitle,
        IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null,
        double? zMin = null, double? zMax = null)
    {
        Setup();
        ArgumentNullException.ThrowIfNull(values);
        CheckLabels("Plots.Heatmap", values, rowLabels, columnLabels);
        var rows = Unique(rowLabels ?? Enumerable.Range(0, values.RowCount).Select(i => i.ToString()).ToList());
        var cols = Unique(columnLabels ?? Enumerable.Range(0, values.ColumnCount).Select(j => j.ToString()).ToList());
        var z = Enumerable.Range(0, values.RowCount).Select(i => values.Row(i).ToArray()).ToArray();
        var chart = CSharpChart.Heatmap<double, string, string, string>(
            zData: z, X: cols, Y: rows, ReverseYAxis: true, ColorScale: StyleParam.Colorscale.Viridis);
        chart = GenericChart.mapTrace(FSharpFunc(
            (Trace t) => { if (zMin is { } lo) t.SetProperty("zmin", lo); if (zMax is { } hi) t.SetProperty("zmax",
                hi); return t; }), chart);
        return Style(chart, title, xTitle, yTitle, categoricalX: true);
    }

    /// <summary>A heatmap of a labelled matrix (its title becomes the chart's).</summary>
    public static GenericChart Heatmap(LabeledMatrix matrix, string xTitle, string yTitle) =>
        Heatmap(matrix.Values, matrix.Title ?? "", xTitle, yTitle, matrix.RowLabels, matrix.ColumnLabels);

    /// <summary>A line chart of one or more series; <paramref name="logX"/>/<paramref name="logY"/> use log
    /// axes.</summary>
    public static GenericChart Lines(string title, string xTitle, string yTitle, IEnumerable<Curve> series,
        bool logX = false, bool logY = false, bool markers = false)
    {
        Setup();
        var charts = series.Select(s =>
        {
            if (s.X.Count != s.Y.Count)
                throw new ArgumentException($"Plots.Lines: series '{s.Name}' has {s.X.Count} x values but " +
                    $"{s.Y.Count} y values.");
            return CSharpChart.Line<double, double, string>(x: s.X, y: s.Y, Name: s.Name, ShowMarkers: markers);
        }).ToList();
        if (charts.Count == 0) throw new ArgumentException("Plots.Lines: no series to draw.");
        var chart = Style(CSharpChart.Combine(charts), title, xTitle, yTitle);
        if (logX) chart = chart.WithXAxisStyle<double, double, string>(TitleText: xTitle,
            AxisType: StyleParam.AxisType.Log);
        if (logY) chart = chart.WithYAxisStyle<double, double, string>(TitleText: yTitle,
            AxisType: StyleParam.AxisType.Log);
        return chart;
    }

    /// <summary>A line chart of one series.</summary>
    public static GenericChart Line(string title, string xTitle, string yTitle, IReadOnlyList<double> x,
        IReadOnlyList<double> y, string name = "", bool logX = false, bool logY = false, bool markers = false) =>
        Lines(title, xTitle, yTitle, [new Curve(name, x, y)], logX, logY, markers);

    /// <summary>
    /// Loss curves of one or more training runs against the step: the validation loss of each run (and, with
    /// <paramref name="train"/>, its training loss dashed).
    /// </summary>
    public static GenericChart LossCurves(string title, IEnumerable<(string Name,
        IReadOnlyList<TrainingRecord> History)> runs,
        bool train = true)
    {
        var series = new List<Curve>();
        foreach (var (name, history) in runs)
        {
            var steps = history.Select(r => (double)r.Step).ToList();
            if (train) series.Add(new Curve($"{name} (train)", steps, history.Select(r => r.TrainLoss).ToList()));
            series.Add(new Curve($"{name} (valid)", steps, history.Select(r => r.ValidLoss).ToList()));
        }
        return Lines(title, "step", "loss (cross-entropy per token)", series, markers: true);
    }

    /// <summary>A bar chart: one bar per category for each named group of values.</summary>
    public static GenericChart Bars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
        IEnumerable<(string Name, IReadOnlyList<double> Values)> groups)
    {
        Setup();
        var charts = groups.Select(g =>
        {
            if (g.Values.Count != categories.Count)
                throw new ArgumentException($"Plots.Bars: group '{g.Name}' has {g.Values.Count} values for " +
                    $"{categories.Count} categories.");
            return CSharpChart.Column<double, string, string>(values: g.Values, Keys: Unique(categories), Name: g.Name);
        }).ToList();
        return Style(CSharpChart.Combine(charts), title, xTitle, yTitle, categoricalX: true);
    }

    /// <summary>
    /// One attention map per head, side by side in a grid (at most 4 per row), each labelled with the tokens.
    /// </summary>
    public static GenericChart HeadGrid(IReadOnlyList<Matrix<double>> heads, IReadOnlyList<string> queries,
        IReadOnlyList<string> keys, string title, string queryAxis = "query", string keyAxis = "key")
    {
        Setup();
        if (heads.Count == 0) throw new ArgumentException("Plots.HeadGrid: no heads to draw.");
        for (int h = 0; h < heads.Count; h++) CheckLabels($"Plots.HeadGrid (head {h})", heads[h], queries, keys);
        int cols = Math.Min(4, heads.Count), rows = (heads.Count + cols - 1) / cols;
        var q = Unique(queries);
        var k = Unique(keys);
        var charts = heads.Select((w, h) => CSharpChart.Heatmap<double, string, string, string>(
            zData: Enumerable.Range(0, w.RowCount).Select(i => w.Row(i).ToArray()).ToArray(), X: k, Y: q,
            ReverseYAxis: true, ShowScale: h == 0, ColorScale: StyleParam.Colorscale.Viridis)).ToList();
        var grid = CSharpChart.Grid(charts, rows, cols, SubPlotTitles: heads.Select((_, h) => $"head {h}").ToArray(),
            XGap: 0.15, YGap: 0.25);
        var chart = WithTitle(grid, title);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, Width: Math.Min(1000, 250 * cols + 80),
            Height: 260 * rows + 100);
        // Every subplot reads top-down with token labels, as a single attention map does.
        return GenericChart.mapLayout(FSharpFunc((Layout layout) =>
        {
            for (int i = 1; i <= heads.Count; i++)
            {
                var yName = i == 1 ? "yaxis" : $"yaxis{i}";
                var xName = i == 1 ? "xaxis" : $"xaxis{i}";
                var y = new Plotly.NET.LayoutObjects.LinearAxis();
                y.SetProperty("autorange", "reversed");
                y.SetProperty("type", "category");
                if ((i - 1) % cols == 0) y.SetProperty("title", new Dictionary<string, object> { ["text"] =
                    queryAxis });
                var x = new Plotly.NET.LayoutObjects.LinearAxis();
                x.SetProperty("type", "category");
                if (i > (rows - 1) * cols) x.SetProperty("title", new Dictionary<string, object> { ["text"] =
                    keyAxis });
                layout.SetProperty(yName, y);
                layout.SetProperty(xName, x);
            }
            return layout;
        }), chart);
    }

    /// <summary>One attention map per head of sequence <paramref name="sequence"/> of a batched attention
    /// call.</summary>
    public static GenericChart HeadGrid(AttentionWeights weights, int sequence, IReadOnlyList<string> queries,
        IReadOnlyList<string> keys, string title) =>
        HeadGrid(Enumerable.Range(0, weights.Heads).Select(h => weights.Get(sequence, h)).ToList(), queries, keys,
            title);

    private static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle,
        bool categoricalX = false)
    {
        chart = WithTitle(chart, title);
        chart = chart.WithXAxisStyle<double, double, string>(TitleText: xTitle);
        chart = chart.WithYAxisStyle<double, double, string>(TitleText: yTitle);
        if (categoricalX)
            chart = GenericChart.mapLayout(FSharpFunc((Layout l) =>
            {
                var x = new Plotly.NET.LayoutObjects.LinearAxis();
                x.SetProperty("title", new Dictionary<string, object> { ["text"] = xTitle });
                x.SetProperty("type", "category");
                l.SetProperty("xaxis", x);
                return l;
            }), chart);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(chart, Width: Width, Height: Height);
    }

    private static GenericChart WithTitle(GenericChart chart, string title) =>
        GenericChart.mapLayout(FSharpFunc((Layout l) =>
        {
            l.SetProperty("title", new Dictionary<string, object> { ["text"] = title, ["x"] = 0.05 });
            return l;
        }), chart);

    private static void Setup() => FSharpCoreRedirect.Install();

    private static void CheckLabels(string op, Matrix<double> m, IReadOnlyList<string>? rows,
        IReadOnlyList<string>? cols)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (rows is not null && rows.Count != m.RowCount)
            throw new ArgumentException($"{op}: the matrix is {m.RowCount}×{m.ColumnCount} but {rows.Count} row " +
                $"(query) labels were given.");
        if (cols is not null && cols.Count != m.ColumnCount)
            throw new ArgumentException($"{op}: the matrix is {m.RowCount}×{m.ColumnCount} but {cols.Count} column " +
                $"(key) labels were given.");
    }

    /// <summary>
    /// Plotly merges equal category labels; a token that occurs again (two "1"s in a date) gets invisible
    /// zero-width spaces appended so that every position keeps its own row or column.
    /// </summary>
    internal static List<string> Unique(IReadOnlyList<string> labels)
    {
        var seen = new Dictionary<string, int>();
        var result = new List<string>(labels.Count);
        foreach (var label in labels)
        {
            var text = string.IsNullOrEmpty(label) ? "␣" : label == " " ? "␣" : label;
            seen[text] = seen.TryGetValue(text, out var n) ? n + 1 : 0;
            result.Add(text + new string('\u200b', seen[text]));
        }
        return result;
    }

    private static Microsoft.FSharp.Core.FSharpFunc<T, T> FSharpFunc<T>(Func<T, T> f) =>
        Microsoft.FSharp.Core.FSharpFunc<T, T>.FromConverter(new Converter<T, T>(f));
}
