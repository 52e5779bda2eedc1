using System.Globalization;
using System.Text.RegularExpressions;
using TransformerCourse.Notebooks.Tests.Kernel;
using Xunit;

namespace TransformerCourse.Notebooks.Tests.Notebooks;

/// <summary>The headline numbers of notebook 09, read from the notebook executed with the
/// reference solutions.</summary>
public sealed class Notebook09Tests
{
    private const string Name = "09-residuals-and-layer-norm.ipynb";
    private const string Num = @"([0-9.eE+-]+)";


    [Fact]
    public async Task SkipConnectionsKeepTheGradientAtTheFirstLayers()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        const string ratios = @"gradient norm ratio layer 1 / layer 12: plain " + Num + ", residual " + Num;
        double plain = nb.Number(ratios, 1), residual = nb.Number(ratios, 2);
        Assert.True(plain < 0.05,
            $"plain stack: layer 1 gets {plain} of layer 12's gradient; the notebook says it is far below 1");
        Assert.True(residual > 0.5 && residual < 2,
            $"residual stack: ratio {residual}; the notebook says every layer gets a gradient of about the same size");
    }

    [Fact]
    public async Task WrittenOutVersionsMatchTheLibrary()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"x̂ by hand vs LayerNorm\(8\)\.Forward \(4×8\): max \|difference\| " + Num) <= 1e-12);
        Assert.True(
            nb.Number(@"PostLN: written out vs EncoderLayer\.Forward \(10×16\): max \|difference\| " + Num) <= 1e-12);
        Assert.True(
            nb.Number(@"PreLN: written out vs EncoderLayer\.Forward \(10×16\): max \|difference\| " + Num) <= 1e-12);
        Assert.Equal(0, nb.Number(@"layer norm moves it by " + Num));
    }

    // A row of the final table: name, training loss (last 20 steps), test loss, test token accuracy (%).
    private static (double TrainLoss, double TestLoss, double Accuracy) Row(string text, string run)
    {
        var m = Regex.Match(text, Regex.Escape(run) + @"\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+) ?%");
        Assert.True(m.Success, $"no row '{run}' in the final-loss table");
        double At(int g) => double.Parse(m.Groups[g].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (At(1), At(2), At(3));
    }

    [Fact]
    public async Task PostLnWithoutWarmupStaysAtChanceAndPreLnLearns()
    {
        var nb = await ExecutedNotebooks.Get(Name, Engine.Runner, solutions: true);
        var postCold = Row(nb.Text, "post-LN, no warm-up");
        var postWarm = Row(nb.Text, "post-LN, warm-up 50");
        var preCold = Row(nb.Text, "pre-LN, no warm-up");
        var preWarm = Row(nb.Text, "pre-LN, warm-up 50");
        // The prose: post-LN without warm-up stays at the uniform-guess loss ln 10 ≈ 2.303 and chance accuracy.
        Assert.True(postCold.TrainLoss > 2.2 && postCold.Accuracy < 20, $"post-LN, no warm-up: {postCold}");
        // Warm-up helps post-LN; pre-LN learns without warm-up and beats post-LN under either schedule.
        Assert.True(postWarm.TestLoss < postCold.TestLoss - 0.2, $"post-LN: warm-up {postWarm} vs none {postCold}");
        Assert.True(preCold.Accuracy > 80 && preCold.TestLoss < postWarm.TestLoss, $"pre-LN, no warm-up: {preCold}");
        // Pre-LN with warm-up solves the copy task.
        Assert.True(preWarm.Accuracy >= 99 && preWarm.TestLoss < 0.1, $"pre-LN, warm-up: {preWarm}");
    }

    [Fact]
    public async Task TheReadablePathGivesTheFusedKernelsNumbers()
    {
        var nb = await ExecutedNotebooks.Get("09-residuals-and-layer-norm.ipynb", Engine.Runner, solutions: true);
        Assert.True(nb.Number(@"readable path vs fused kernel: max \|difference\| ([0-9.eE+-]+)") <= 1e-12);
    }
}
