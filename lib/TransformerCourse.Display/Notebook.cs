namespace TransformerCourse.Display;

/// <summary>
/// The one setup line of a course notebook: <c>Notebook.Setup()</c> as the last line of the first code cell.
/// </summary>
public static class Notebook
{
    /// <summary>
    /// Makes Plotly.NET work beside the kernel's FSharp.Core, registers the course's displays (matrices, tensors,
    /// attention weights, training histories, charts) and returns a value whose display loads plotly.js into the
    /// page, so that every chart of the notebook draws without a network. Safe to call again.
    /// </summary>
    public static NotebookSetup Setup()
    {
        FSharpCoreRedirect.Install();
        return Configure();
    }

    // Kept apart from Setup so that no Plotly.NET type is touched before the FSharp.Core redirect is installed.
    private static NotebookSetup Configure()
    {
        Formatters.Register();
        return new NotebookSetup(PlotlyOffline.PlotlyJsVersion);
    }
}

/// <summary>What <see cref="Notebook.Setup"/> did; displayed, it loads plotly.js into the notebook's page.</summary>
/// <param name="PlotlyJsVersion">The plotly.js version that charts use.</param>
public sealed record NotebookSetup(string PlotlyJsVersion)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"Charts ready: plotly.js {PlotlyJsVersion} from Plotly.NET, loaded into this page (no network needed). " +
        "Matrices, tensors and results show as tables.";
}
