using System.Globalization;

namespace TransformerCourse.Cli;

/// <summary>How wide <c>course</c> writes when its output is not a terminal.</summary>
public static class OutputWidth
{
    /// <summary>The width when nothing says otherwise: wide enough for every table the commands print.</summary>
    public const int Default = 160;

    /// <summary>
    /// The width for redirected output: <c>$COLUMNS</c> when it is a whole number of at least 40, else
    /// <see cref="Default"/> (Spectre would assume 80, which squeezes tables and wraps long lines).
    /// </summary>
    public static int WhenRedirected(string? columns) =>
        int.TryParse(columns, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 40 ? n : Default;
}
