namespace TransformerCourse.Runner.Scripting;

/// <summary>
/// What notebook code calls to show values, with the same names and shapes as in Polyglot Notebooks, so one cell
/// source compiles in both: the global function <c>display(value, mimeTypes)</c> (Polyglot:
/// <c>Microsoft.DotNet.Interactive.Kernel.display</c>, imported with <c>using static</c>) and the extensions
/// <c>value.Display(mimeTypes)</c> and <c>text.DisplayAs(mimeType)</c> (Polyglot: <c>System.DisplayExtensions</c>).
/// The runner imports this class with <c>using static</c> in a first hidden submission, as the kernel does.
/// </summary>
public static class NotebookKernel
{
    /// <summary>Shows a value below the cell; with no MIME type given, in its type's preferred MIME types (as the
    /// kernel).</summary>
    public static DisplayedValue display(object? value, params string[] mimeTypes) => value.Display(mimeTypes);

    /// <summary>Shows a value below the cell; with no MIME type given, in its type's preferred MIME types (as the
    /// kernel).</summary>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes)
    {
        var formatted = OutputFormatter.Format(value, mimeTypes);
        return Show(formatted);
    }

    /// <summary>Shows text as the given MIME type, as is (e.g.
    /// <c>"&lt;b&gt;hi&lt;/b&gt;".DisplayAs("text/html")</c>).</summary>
    public static DisplayedValue DisplayAs(this string value, string mimeType) => Show([(mimeType, value)]);

    private static DisplayedValue Show(IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        if (CellOutputs.Current is { } cell) return new DisplayedValue(cell, cell.Display(formatted));
        // Outside the runner (e.g. an exported program), print the plain text.
        Console.WriteLine(formatted.FirstOrDefault(f => f.MimeType == "text/plain").Value ?? formatted[0].Value);
        return new DisplayedValue(null, "");
    }
}

/// <summary>A shown value; <see cref="Update"/> replaces what is shown, as the kernel's <c>DisplayedValue</c>
/// does.</summary>
public sealed class DisplayedValue
{
    private readonly CellOutputs? cell;

    internal DisplayedValue(CellOutputs? cell, string displayId)
    {
        this.cell = cell;
        DisplayId = displayId;
    }

    /// <summary>The id of the <c>display_data</c> output.</summary>
    public string DisplayId { get; }

    /// <summary>Replaces the shown value with <paramref name="value"/>.</summary>
    public void Update(object? value)
    {
        var formatted = OutputFormatter.Format(value, []);
        if (cell is null) Console.WriteLine(formatted[0].Value);
        else cell.Update(DisplayId, formatted);
    }
}
