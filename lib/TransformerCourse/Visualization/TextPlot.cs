using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace TransformerCourse.Visualization;

/// <summary>
/// Pictures made of text, which work in any notebook, terminal or log: shaded heatmaps (attention maps, positional
/// encodings) and sparklines (loss curves).
/// </summary>
public static class TextPlot
{
    private const string Shades = " ░▒▓█";
    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>
    /// A heatmap of a matrix: one line per row, one shaded cell (two characters wide) per column, darker for larger
    /// values between the matrix's minimum and maximum (or [<paramref name="min"/>, <paramref name="max"/>] when given,
    /// e.g. [0, 1] for attention weights). Row labels on the left; column labels written vertically underneath.
    /// </summary>
    public static string Heatmap(Matrix<double> values, IReadOnlyList<string>? rowLabels = null,
        IReadOnlyList<string>? columnLabels = null, double? min = null, double? max = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (rowLabels is not null && rowLabels.Count != values.RowCount)
            throw new ArgumentException($"Heatmap: {rowLabels.Count} row labels for {values.RowCount} rows.");
        if (columnLabels is not null && columnLabels.Count != values.ColumnCount)
            throw new ArgumentException($"Heatmap: {columnLabels.Count} column labels " +
                $"for {values.ColumnCount} columns.");
        double lo = min ?? (values.RowCount * values.ColumnCount == 0 ? 0 : values.Enumerate().Min());
        double hi = max ?? (values.RowCount * values.ColumnCount == 0 ? 1 : values.Enumerate().Max());
        int width = rowLabels is null ? 0 : rowLabels.Max(l => DisplayWidth(l));
        var sb = new StringBuilder();
        for (int i = 0; i < values.RowCount; i++)
        {
            if (rowLabels is not null) sb.Append(Pad(rowLabels[i], width)).Append(" │");
            for (int j = 0; j < values.ColumnCount; j++)
            {
                char c = Shade(values[i, j], lo, hi);
                sb.Append(c).Append(c);
            }
            sb.Append('\n');
        }
        if (columnLabels is not null)
        {
            string indent = new(' ', rowLabels is null ? 0 : width + 2);
            if (columnLabels.All(l => l.Length <= 1))
            {
                // One character per column: write it under its cell.
                sb.Append(indent);
                foreach (var label in columnLabels)
                {
                    var ch = label.Length == 1 ? label[0] : ' ';
                    sb.Append(ch);
                    if (!IsWide(ch)) sb.Append(' ');
                }
                sb.Append('\n');
            }
            else
            {
                // Words: number the columns under the cells and list the words.
                sb.Append(indent);
                for (int j = 0; j < columnLabels.Count; j++)
                    sb.Append((j % 10).ToString(CultureInfo.InvariantCulture)).Append(' ');
                sb.Append('\n').Append(indent);
                sb.AppendJoin("  ", columnLabels.Select((l, j) => $"{j}={l}"));
                sb.Append('\n');
            }
        }
        sb.Append(CultureInfo.InvariantCulture, $"(shades ' ░▒▓█' from {lo:G3} to {hi:G3})");
        return sb.ToString();
    }

    /// <summary>A one-line chart of a series, e.g. a loss curve: ▁ for the minimum up to █ for the maximum.</summary>
    public static string Sparkline(IReadOnlyList<double> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) return "";
        double lo = series.Min(), hi = series.Max();
        var sb = new StringBuilder(series.Count);
        foreach (var v in series)
        {
            int k = hi > lo ? (int)Math.Round((v - lo) / (hi - lo) * (Bars.Length - 1)) : 0;
            sb.Append(Bars[Math.Clamp(k, 0, Bars.Length - 1)]);
        }
        return sb.ToString();
    }

    private static char Shade(double v, double lo, double hi)
    {
        if (double.IsNaN(v)) return '?';
        double t = hi > lo ? (v - lo) / (hi - lo) : 0;
        int k = (int)Math.Round(Math.Clamp(t, 0, 1) * (Shades.Length - 1));
        return Shades[k];
    }

    // Hangul and other East Asian characters take two columns in a terminal.
    private static bool IsWide(char c)
        => c >= '\u1100'
            && (c <= '\u115F' || (c >= '\u2E80' && c <= '\uA4CF') || (c >= '\uAC00' && c <= '\uD7A3')
            || (c >= '\uF900' && c <= '\uFAFF') || (c >= '\uFF00' && c <= '\uFF60'));

    private static int DisplayWidth(string s) => s.Sum(c => IsWide(c) ? 2 : 1);

    private static string Pad(string s, int width) => new string(' ', width - DisplayWidth(s)) + s;
}
