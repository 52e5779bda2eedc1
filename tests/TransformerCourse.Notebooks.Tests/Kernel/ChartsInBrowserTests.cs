using System.Text;
using Microsoft.Playwright;
using TransformerCourse.Display;

namespace TransformerCourse.Notebooks.Tests.Kernel;

/// <summary>
/// The executed notebooks' charts draw in a real browser with the network blocked: every HTML output of a notebook
/// (as the kernel and as the runner wrote it, with the solutions) on one page, opened in headless Chromium (Debian's
/// /usr/bin/chromium, driven by Playwright; no browser download); every chart must have drawn (a .js-plotly-plot with
/// its svg.main-svg) and the page must log no error.
/// </summary>
[Collection("kernel")]
public class ChartsInBrowserTests
{
    public static IEnumerable<object[]> Notebooks() =>
        TestPaths.CourseNotebooks().SelectMany(n => new[] { new[] { n[0], "kernel" }, new[] { n[0], "runner" } });

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EveryChartDrawsOffline(string name, string engine)
    {
        var e = engine == "kernel" ? Engine.Kernel : Engine.Runner;
        if (e == Engine.Kernel) Assert.Null(KernelSetup.Missing());
        var nb = await ExecutedNotebooks.Get(name, e, solutions: true);
        var html = nb.Cells.SelectMany(c => c.Displays).Where(d => !RunnerMatchesKernelTests.KernelOnly(d))
            .Select(d => d["text/html"] is { } h ? ExecutedCell.Join(h) : null).OfType<string>().ToList();
        int charts = html.Count(h => h.Contains("class=\"tc-chart\"", StringComparison.Ordinal));
        // Every lesson draws at least two charts (the curriculum's rule).
        Assert.True(charts >= 2, $"{nb.Describe()}: {charts} charts, expected at least 2");

        var (drawn, errors) = await OpenAsync(Page(html), $"{engine}-{name}");
        Assert.Empty(errors);
        Assert.Equal(charts, drawn.Total);
        Assert.True(drawn.Drawn == charts,
            $"{nb.Describe()}: {drawn.Drawn} of {charts} charts drew (open {drawn.File})");
    }

    [Fact]
    public async Task AChartWithoutPlotlyJsSaysWhichCellToRun()
    {
        Notebook.Setup();
        var chart = TransformerCourse.Display.Plots.Line("t", "x", "y", [0.0, 1.0], [1.0, 2.0]);
        var html = PlotlyOffline.ChartHtml(chart);
        var (drawn, errors) = await OpenAsync(Page([html]), "no-loader", text: true);
        Assert.Empty(errors);
        Assert.Equal(0, drawn.Drawn);
        Assert.Contains("Run that cell, then this one again", drawn.Text);
    }

    private static string Page(IEnumerable<string> outputs)
    {
        var sb = new StringBuilder(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>charts</title></head><body>\n");
        foreach (var o in outputs) sb.Append("<div class=\"output\">").Append(o).Append("</div>\n");
        return sb.Append("</body></html>").ToString();
    }

    private sealed record PageResult(int Total, int Drawn, string File, string Text);

    private static async Task<(PageResult, List<string>)> OpenAsync(string page, string name, bool text = false)
    {
        var dir = Path.Combine(TestPaths.RepoRoot, "out", "browser");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, name.Replace(".ipynb", "") + ".html");
        await File.WriteAllTextAsync(file, page);

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
                ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
        var tab = await browser.NewPageAsync();
        var errors = new List<string>();
        tab.Console += (_, m) => { if (m.Type == "error") lock (errors) errors.Add($"console: {m.Text}"); };
        tab.PageError += (_, m) => { lock (errors) errors.Add($"page error: {m}"); };
        // The network is blocked: only the page file itself may load.
        await tab.RouteAsync("**/*",
            r => r.Request.Url.StartsWith("file:", StringComparison.Ordinal) ? r.ContinueAsync() : r.AbortAsync());
        await tab.GotoAsync(new Uri(file).AbsoluteUri, new PageGotoOptions { Timeout = 60_000 });
        const string allDrawn =
            "() => [...document.querySelectorAll('.tc-chart')].every(d => d.querySelector('p') || " +
                                "(d.classList.contains('js-plotly-plot') && d.querySelector('svg.main-svg')))";
        try { await tab.WaitForFunctionAsync(allDrawn, null, new PageWaitForFunctionOptions { Timeout = 60_000 }); }
        catch (TimeoutException) { /* counted below */ }
        int total = await tab.EvaluateAsync<int>("() => document.querySelectorAll('.tc-chart').length");
        int drawn = await tab.EvaluateAsync<int>(
            "() => [...document.querySelectorAll('.tc-chart')].filter(d => d.classList.contains('js-plotly-plot') && " +
                "d.querySelector('svg.main-svg')).length");
        var body = text ? await tab.InnerTextAsync("body") : "";
        return (new PageResult(total, drawn, file, body), errors);
    }
}
