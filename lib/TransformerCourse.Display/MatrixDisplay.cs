using System.Globalization;
using System.Net;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Display;

/// <summary>A matrix with names for its rows and columns (tokens, positions, heads), for display.</summary>
/// <param name="Values">The numbers, rows × columns.</param>
/// <param name="RowLabels">One label per row, or null for 0, 1, 2, …</param>
/// <param name="ColumnLabels">One label per column, or null for 0, 1, 2, …</param>
/// <param name="Title">What the matrix is (shown as the table's caption, before its shape).</param>
public sealed record LabeledMatrix(
    Matrix<double> Values, IReadOnlyList<string>? RowLabels = null, IReadOnlyList<string>? ColumnLabels = null,
    string? Title = null)
{
    /// <summary>The matrix as text, with its labels and shape.</summary>
    public override string ToString() => MatrixDisplay.Plain(Values, RowLabels, ColumnLabels, Title);
}

/// <summary>Extension methods that attach labels to a matrix for display.</summary>
public static class LabeledMatrixExtensions
{
    /// <summary>
    /// The matrix with row and column labels, e.g. <c>weights.WithLabels(queryTokens, keyTokens)</c>; a label list
    /// must have one label per row (column).
    /// </summary>
    public static LabeledMatrix WithLabels(this Matrix<double> values, IReadOnlyList<string>? rowLabels,
        IReadOnlyList<string>? columnLabels = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rowLabels is not null && rowLabels.Count != values.RowCount)
            throw new ArgumentException(
                $"WithLabels: the matrix has {values.RowCount} rows but {rowLabels.Count} row labels were given.");
        if (columnLabels is not null && columnLabels.Count != values.ColumnCount)
            throw new ArgumentException(
                $"WithLabels: the matrix has {values.ColumnCount} columns but {columnLabels.Count} column labels " +
                    $"were given.");
        return new LabeledMatrix(values, rowLabels, columnLabels, title);
    }
}

/// <summary>
/// How matrices show in a notebook: an HTML table with the shape in its caption and row/column labels, and the same
/// numbers as aligned text. Large matrices show their first and last rows and columns with an ellipsis between.
/// </summary>
public static class MatrixDisplay
{
    /// <summary>Rows (columns) shown in full up to this many; more are elided in the middle.</summary>
    public const int MaxShown = 16;

    private const int Edge = 6;

    /// <summary>A number as shown: up to 4 significant digits, invariant culture.</summary>
    public static string Number(double x) =>
        double.IsNaN(x) ? "NaN" : double.IsPositiveInfinity(x) ? "∞" : double.IsNegativeInfinity(x) ? "−∞"
        : x == 0 ? "0" : x.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>"Matrix 2×3", or "title · 2×3".</summary>
    public static string Caption(Matrix<double> m, string? title, string kind = "Matrix") =>
        kind == "Vector" ? $"{title ?? kind} · length {m.ColumnCount}" : $"{title
            ?? kind} · {m.RowCount}×{m.ColumnCount}";

    /// <summary>The text form: the caption, then right-aligned columns with labels.</summary>
    public static string Plain(Matrix<double> m, IReadOnlyList<string>? rows = null, IReadOnlyList<string>? cols = null,
        string? title = null, string kind = "Matrix")
    {
        var rowIdx = Shown(m.RowCount);
        var colIdx = Shown(m.ColumnCount);
        var header = colIdx.Select(j => j < 0 ? "…" : cols?[j] ?? j.ToString(CultureInfo.InvariantCulture)).ToList();
        var lines = rowIdx.Select(i => colIdx.Select(j => i < 0 ? "⋮" : j < 0 ? "…" : Number(m[i,
            j])).ToList()).ToList();
        var labels = rowIdx.Select(i => i < 0 ? "" : rows?[i] ?? i.ToString(CultureInfo.InvariantCulture)).ToList();
        bool showHeader = cols is not null;
        int labelWidth = rows is null ? 0 : labels.Max(l => l.Length);
        var widths = colIdx.Select((_, c) => Math.Max(showHeader ? header[c].Length : 0, lines.Max(l =>
            l[c].Length))).ToList();
        var sb = new StringBuilder(Caption(m, title, kind));
        if (showHeader)
            sb.Append('\n').Append(new string(' ', labelWidth)).Append(string.Concat(header.Select((h, c) =>
                "  " + h.PadLeft(widths[c]))));
        for (int r = 0; r < lines.Count; r++)
        {
            sb.Append('\n');
            if (rows is not null) sb.Append(labels[r].PadRight(labelWidth));
            sb.Append(string.Concat(lines[r].Select((v, c) => "  " + v.PadLeft(widths[c]))));
        }
        return sb.ToString();
    }

    /// <summary>
    /// The HTML form: a table with the caption, labelled rows and columns; with <paramref name="shade"/>, each cell's
    /// background darkens with its value (for weights in [0, 1], e.g. attention).
    /// </summary>
    public static string Html(Matrix<double> m, IReadOnlyList<string>? rows = null, IReadOnlyList<string>? cols = null,
        string? title = null, bool shade = false, string kind = "Matrix")
    {
        var rowIdx = Shown(m.RowCount);
        var colIdx = Shown(m.ColumnCount);
        var sb = new StringBuilder();
        sb.Append("<table class=\"tc-matrix\" " +
            "style=\"border-collapse:collapse;font-family:monospace;text-align:right\">");
        sb.Append("<caption style=\"text-align:left;font-family:sans-serif\">").Append(Enc(Caption(m, title,
            kind))).Append("</caption>");
        sb.Append("<thead><tr><th></th>");
        foreach (var j in colIdx)
            sb.Append("<th style=\"padding:0 6px\">").Append(Enc(j < 0 ? "…" : cols?[j]
                ?? j.ToString(CultureInfo.InvariantCulture))).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var i in rowIdx)
        {
            sb.Append("<tr><th style=\"padding:0 6px;text-align:left\">")
              .Append(Enc(i < 0 ? "⋮" : rows?[i] ?? i.ToString(CultureInfo.InvariantCulture))).Append("</th>");
            foreach (var j in colIdx)
            {
                if (i < 0 || j < 0) { sb.Append("<td style=\"padding:0 6px\">").Append(i < 0 ? "⋮" : "…")
                    .Append("</td>"); continue; }
                double v = m[i, j];
                sb.Append("<td style=\"padding:0 6px");
                if (shade && double.IsFinite(v))
                {
                    double a = Math.Clamp(v, 0, 1);
                    sb.Append(";background:rgba(31,119,180,").Append(a.ToString("0.###",
                        CultureInfo.InvariantCulture)).Append(')');
                    if (a > 0.55) sb.Append(";color:white");
                }
                sb.Append("\">").Append(Enc(Number(v))).Append("</td>");
            }
            sb.Append("</tr>");
        }
        return sb.Append("</tbody></table>").ToString();
    }

    /// <summary>The indices shown for a dimension of size n; −1 marks the ellipsis.</summary>
    internal static List<int> Shown(int n) =>
        n <= MaxShown ? Enumerable.Range(0, n).ToList()
        : [.. Enumerable.Range(0, Edge), -1, .. Enumerable.Range(n - Edge, Edge)];

    internal static string Enc(string s) => WebUtility.HtmlEncode(s);
}
