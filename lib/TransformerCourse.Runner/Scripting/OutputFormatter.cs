using Microsoft.DotNet.Interactive.Formatting;

namespace TransformerCourse.Runner.Scripting;

/// <summary>
/// Turns a value into MIME-typed text with the Polyglot kernel's own formatter library
/// (Microsoft.DotNet.Interactive.Formatting), set up as the kernel sets it up for a notebook front end: HTML is the
/// default MIME type and strings are plain text. Formatters that notebook code registers (the course's
/// <c>Notebook.Setup()</c> registers tables for matrices and offline Plotly charts) therefore apply in both.
/// </summary>
public static class OutputFormatter
{
    private static int configured;

    /// <summary>Sets the formatter library up as dotnet-interactive does for a browser/VS Code front end.</summary>
    public static void Configure(bool force = false)
    {
        if (Interlocked.Exchange(ref configured, 1) == 1 && !force) return;
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
    }

    /// <summary>
    /// Formats <paramref name="value"/> for each requested MIME type; with none, for the value type's preferred MIME
    /// types (as the kernel's <c>display</c> and a cell's return value do).
    /// </summary>
    public static IReadOnlyList<(string MimeType, string Value)> Format(object? value, IReadOnlyList<string>? mimeTypes)
    {
        Configure();
        if (value is FormattedValue single) return [(single.MimeType, single.Value)];
        if (value is IEnumerable<FormattedValue> many) return many.Select(f => (f.MimeType, f.Value)).ToList();
        return FormattedValue.CreateManyFromObject(value!, mimeTypes?.ToArray() ?? [])
            .Select(f => (f.MimeType, f.Value)).ToList();
    }

    /// <summary>The <c>text/plain</c> form of a value (what the runner echoes to the terminal).</summary>
    public static string Plain(object? value)
    {
        Configure();
        return value is null ? Formatter.NullString : value.ToDisplayString(PlainTextFormatter.MimeType);
    }
}
