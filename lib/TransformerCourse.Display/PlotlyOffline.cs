using System.Reflection;
using System.Text;
using Plotly.NET;

namespace TransformerCourse.Display;

/// <summary>
/// Charts that draw with no network. Plotly.NET carries plotly.js as an embedded resource; <see cref="LoaderHtml"/>
/// defines <c>window.Plotly</c> from it once per notebook (the output of the setup cell), and every chart's HTML is a
/// <c>div</c> and a short script that draws into it with that <c>Plotly</c> — or, when plotly.js is not loaded in this
/// view (the setup cell's output was cleared), says which cell to run. plotly.js (about 3.6 MB) is therefore stored
/// once per executed notebook, not once per chart.
/// </summary>
public static class PlotlyOffline
{
    private static readonly Lazy<(string Version, string Script)> plotlyJs = new(ReadPlotlyJs);

    /// <summary>The version of plotly.js that Plotly.NET carries (e.g. 2.28.0).</summary>
    public static string PlotlyJsVersion => plotlyJs.Value.Version;

    /// <summary>
    /// A <c>&lt;script&gt;</c> that defines <c>window.Plotly</c> (plotly.js as a plain global, even where require.js
    /// or a module loader is present), followed by a one-line note.
    /// </summary>
    public static string LoaderHtml()
    {
        var (version, script) = plotlyJs.Value;
        var html = new StringBuilder(script.Length + 512);
        html.Append("<script type=\"text/javascript\" data-transformercourse=\"plotly-loader\">\n");
        html.Append("if (!window.Plotly || window.Plotly.version !== '").Append(version).Append("') {\n");
        // Hide define/module/exports so that plotly.js's UMD header sets window.Plotly instead of registering a module.
        html.Append("(function (define, module, exports) {\n");
        html.Append(script.Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase));
        html.Append("\n}).call(window, undefined, undefined, undefined);\n}\n</script>\n");
        return html.ToString();
    }

    /// <summary>
    /// The HTML of one chart: its figure (data, layout, config as Plotly.NET serialises them) drawn into a new
    /// <c>div</c> by the plotly.js that <see cref="LoaderHtml"/> loaded.
    /// </summary>
    public static string ChartHtml(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var figure = GenericChart.toJson(chart);
        var id = "tc-chart-" + Guid.NewGuid().ToString("N")[..12];
        return $$"""
            <div id="{{id}}" class="tc-chart"></div>
            <script type="text/javascript">
            (function () {
              var figure = {{figure}};
              var target = document.getElementById('{{id}}');
              if (window.Plotly) { window.Plotly.newPlot(target, figure.data, figure.layout, figure.config); return; }
              target.innerHTML = '<p style="color:#a00">This chart needs plotly.js, which the first code cell of the '
                + 'notebook loads (<code>Notebook.Setup()</code>). Run that cell, then this one again.</p>';
            })();
            </script>
            """;
    }

    /// <summary>A one-line text form of a chart for terminals: its title and what it draws.</summary>
    public static string ChartText(GenericChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        using var doc = System.Text.Json.JsonDocument.Parse(GenericChart.toJson(chart));
        var root = doc.RootElement;
        var kinds = root.TryGetProperty("data", out var data)
            ? data.EnumerateArray().Select(t => t.TryGetProperty("type", out var k) ? k.GetString()
                ?? "trace" : "trace").ToList()
            : [];
        string? title = null;
        if (root.TryGetProperty("layout", out var layout) && layout.TryGetProperty("title", out var t))
            title = t.ValueKind == System.Text.Json.JsonValueKind.String ? t.GetString()
                : t.TryGetProperty("text", out var text) ? text.GetString() : null;
        var what = kinds.Count == 0 ? "empty" : $"{string.Join(", ",
            kinds.Distinct())}, {kinds.Count} trace{(kinds.Count == 1 ? "" : "s")}";
        return $"[chart{(title is null ? "" : $" \"{title}\"")}: {what}; drawn in VS Code and in the executed " +
            $"notebook]";
    }

    private static (string, string) ReadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
            .FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js"))
            ?? throw new InvalidOperationException(
                $"Plotly.NET {assembly.GetName()
                    .Version} carries no plotly-*.min.js resource; charts cannot draw offline.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var version = name["Plotly.NET.plotly-".Length..^".min.js".Length];
        return (version, reader.ReadToEnd());
    }
}
