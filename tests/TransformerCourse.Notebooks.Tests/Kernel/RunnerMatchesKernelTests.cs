using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace TransformerCourse.Notebooks.Tests.Kernel;

/// <summary>
/// The course's runner behaves like the kernel: each notebook, as shipped, executed by both, compared code cell by
/// code cell — what the cell printed (stdout), and each displayed value (its text/plain, or its HTML where it has no
/// text/plain) in order. The documented normalisations (README, "Runner and kernel"):
/// <list type="bullet">
/// <item>outputs only the kernel adds are dropped: its JavaScript API probe, the "Installed Packages" list and
/// "Loading extensions from …" after a <c>#r "nuget:"</c>;</item>
/// <item>durations are replaced by &lt;time&gt; ("Wall time: 12.3ms", "41.2 s", "312 µs", "1,234 tok/s"), and a
/// "measured ratio …: 7.2" of two timings by &lt;ratio&gt;;</item>
/// <item>the random ids of chart divs (tc-chart-…) are replaced by one placeholder;</item>
/// <item>a "max |…|" difference at or below 1e-13 is replaced by &lt;rounding&gt;: the two engines have printed
/// 7.11e-15 and 7.10e-15 for the same cell (notebook 08), 0 and 2.2E-16 (notebook 10).</item>
/// </list>
/// </summary>
[Collection("kernel")]
public class RunnerMatchesKernelTests
{
    public static IEnumerable<object[]> Notebooks() => TestPaths.CourseNotebooks();

    [Theory]
    [InlineData("max |difference| 7.11e-15", "max |difference| 7.10e-15")]
    [InlineData("max |M·Mᵀ − I| 2.22e-16", "max |M·Mᵀ − I| 0")]
    [InlineData("max |difference|: 2.2E-16", "max |difference|: 0")]
    public void DifferencesAtRoundingLevelCompareEqual(string kernel, string runner) =>
        Assert.Equal(Normalise(kernel), Normalise(runner));

    [Theory]
    [InlineData("max |difference| 7.11e-12", "max |difference| 7.10e-12")]
    [InlineData("max |difference| 0.5", "max |difference| 0")]
    public void LargerDifferencesStillCount(string kernel, string runner) =>
        Assert.NotEqual(Normalise(kernel), Normalise(runner));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task RunnerAndKernelGiveTheSameOutputs(string name)
    {
        Assert.Null(KernelSetup.Missing());
        var kernel = await ExecutedNotebooks.Get(name, Engine.Kernel, solutions: false);
        var runner = await ExecutedNotebooks.Get(name, Engine.Runner, solutions: false);
        Assert.Equal(kernel.Cells.Count, runner.Cells.Count);
        for (int i = 0; i < kernel.Cells.Count; i++)
        {
            var k = kernel.Cells[i];
            var r = runner.Cells[i];
            var where = $"{name}: {ExecutedNotebook.Where(k)}";
            Assert.True(Normalise(k.Stdout) == Normalise(r.Stdout),
                $"{where}: stdout differs\n--- kernel\n{Normalise(k.Stdout)}\n--- runner\n{Normalise(r.Stdout)}");
            var kd = Displays(k);
            var rd = Displays(r);
            Assert.True(kd.Count == rd.Count,
                $"{where}: the kernel displayed {kd.Count} values, the runner {rd.Count}\n--- kernel\n" +
                $"{string.Join("\n", kd.Select(Short))}\n--- runner\n{string.Join("\n", rd.Select(Short))}");
            for (int j = 0; j < kd.Count; j++)
                Assert.True(kd[j] == rd[j],
                    $"{where}: displayed value {j + 1} differs\n--- kernel\n{Short(kd[j])}\n--- runner\n" +
                    $"{Short(rd[j])}");
        }
    }

    /// <summary>The displayed values of a cell, normalised, without the outputs only the kernel adds.</summary>
    internal static List<string> Displays(ExecutedCell cell) =>
        cell.Displays.Where(d => !KernelOnly(d)).Select(d =>
            d["text/plain"] is { } plain ? "text/plain: " + Normalise(ExecutedCell.Join(plain))
            : d["text/html"] is { } html ? "text/html: " + Normalise(ExecutedCell.Join(html))
            : string.Join(",", d.Select(p => p.Key))).ToList();

    internal static bool KernelOnly(JsonObject data)
    {
        var html = data["text/html"] is { } h ? ExecutedCell.Join(h) : "";
        var plain = data["text/plain"] is { } p ? ExecutedCell.Join(p) : "";
        return html.Contains("dotnet-interactive-this-cell", StringComparison.Ordinal)
               || html.Contains("<strong>Installed Packages</strong>", StringComparison.Ordinal)
               || plain.StartsWith("Loading extensions from ", StringComparison.Ordinal);
    }

    internal static string Normalise(string text)
    {
        text = text.Replace("\r\n", "\n");
        text = Regex.Replace(text, @"tc-chart-[0-9a-f]{12}", "tc-chart-<id>");
        text = Regex.Replace(text, @"\b\d+(\.\d+)? GFLOP/s", "<speed> GFLOP/s");   // Enable()'s measured dgemm
        text = Regex.Replace(text, @"Wall time: [0-9.,]+\s*m?s", "Wall time: <time>");
        text = Regex.Replace(text, @"(measured ratio [^:\n]*: )[\d.]+", "$1<ratio>");   // a ratio of two timings
        // Two computations that agree to rounding: the kernel and the runner may round differently in the last bit.
        // Any "max |…|" at or below 1e-13 (0, 7.1e-15 or 7.11E-15) is rounding.
        text = Regex.Replace(text, @"(max \|[^|\n]+\|:? )(0|\d\.\d+[eE]-0*(1[3-9]|[2-9]\d))\b", "$1<rounding>");
        text = Regex.Replace(text, @"\b\d[\d,]*(\.\d+)?\s?(µs|ms|s|seconds|tok/s|tokens/s)\b", "<time>");
        text = Regex.Replace(text, @"[ \t]*<time>", " <time>");     // a longer duration takes its padding
        return text.TrimEnd();
    }

    private static string Short(string s) => s.Length <= 600 ? s : s[..600] + "…";
}

[CollectionDefinition("kernel", DisableParallelization = true)]
public class KernelCollection;
