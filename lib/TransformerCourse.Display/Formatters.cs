using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using TransformerCourse.Attention;
using TransformerCourse.Autograd;
using TransformerCourse.Native;
using TransformerCourse.Training;

namespace TransformerCourse.Display;

/// <summary>
/// Registers how the course's values show in a notebook, through .NET Interactive's <c>Formatter</c> (the same calls
/// in the Polyglot kernel and in the course's runner): each as <c>text/html</c> (what VS Code shows) and
/// <c>text/plain</c> (what a terminal shows).
/// </summary>
public static class Formatters
{
    private const string Html = "text/html";
    private const string Plain = "text/plain";

    /// <summary>Registers every formatter; later registrations win, so this overrides
    /// Plotly.NET.Interactive's.</summary>
    public static void Register()
    {
        Add<Matrix<double>>(m => MatrixDisplay.Html(m), m => MatrixDisplay.Plain(m));
        Add<Vector<double>>(
            v => MatrixDisplay.Html(v.ToRowMatrix(), kind: "Vector"),
            v => $"Vector · length {v.Count}\n[ {string.Join(", ",
                v.Take(40).Select(MatrixDisplay.Number))}{(v.Count > 40 ? ", …" : "")} ]");
        Add<LabeledMatrix>(l => MatrixDisplay.Html(l.Values, l.RowLabels, l.ColumnLabels, l.Title), l => l.ToString());
        Add<Tensor>(t => MatrixDisplay.Html(t.Data, title: TensorTitle(t)), t => MatrixDisplay.Plain(t.Data,
            title: TensorTitle(t)));
        Add<AttentionWeights>(AttentionHtml, AttentionPlain);
        Add<AccelerationResult>(
            a => $"<div>{MatrixDisplay.Enc(a.Message)}</div>" + (a.Tried.Count == 0 ? "" :
                 "<details><summary>what was tried</summary><ul>" +
                 string.Concat(a.Tried.Select(t => $"<li>{MatrixDisplay.Enc(t)}</li>")) + "</ul></details>"),
            a => a.Message);
        Add<Evaluation>(e => $"<div>{MatrixDisplay.Enc(EvaluationText(e))}</div>", EvaluationText);
        Add<IEnumerable<TrainingRecord>>(h => HistoryHtml(h.ToList()), h => HistoryPlain(h.ToList()));
        Add<ExperimentResult>(
            r => $"<div><b>{MatrixDisplay.Enc(ResultLine(r))}</b></div>" + HistoryHtml(r.History.ToList()),
            r => ResultLine(r) + "\n" + HistoryPlain(r.History.ToList()));
        Add<GenericChart>(PlotlyOffline.ChartHtml, PlotlyOffline.ChartText);
        Add<NotebookSetup>(s => PlotlyOffline.LoaderHtml() + $"<div>{MatrixDisplay.Enc(s.ToString())}</div>", s =>
            s.ToString());
    }

    private static void Add<T>(Func<T, string> html, Func<T, string> plain)
    {
        Formatter.Register<T>((value, writer) => writer.Write(html(value)), Html);
        Formatter.Register<T>((value, writer) => writer.Write(plain(value)), Plain);
        Formatter.SetPreferredMimeTypesFor(typeof(T), Html, Plain);
    }

    private static string TensorTitle(Tensor t) =>
        $"Tensor{(t.Name is null ? "" : $" '{t.Name}'")} ({t.Op}{(t.RequiresGrad ? ", requires grad" : "")}" +
        $"{(t.Grad is null ? "" : ", has grad")})";

    private static string AttentionPlain(AttentionWeights w)
    {
        var sb = new StringBuilder($"Attention weights · B={w.Batch} sequences × h={w.Heads} heads × " +
            $"T_q={w.QueryLength} × T_k={w.KeyLength}");
        for (int h = 0; h < Math.Min(w.Heads, 4); h++)
            sb.Append('\n').Append(MatrixDisplay.Plain(w.Get(0, h), title: $"sequence 0, head {h}"));
        if (w.Heads > 4) sb.Append($"\n… {w.Heads - 4} more heads");
        return sb.ToString();
    }

    private static string AttentionHtml(AttentionWeights w)
    {
        var sb = new StringBuilder($"<div>Attention weights · B={w.Batch} sequences × h={w.Heads} heads × " +
                                   $"T_q={w.QueryLength} × T_k={w.KeyLength} (rows: queries, columns: keys)</div>");
        sb.Append("<div style=\"display:flex;flex-wrap:wrap;gap:16px\">");
        for (int h = 0; h < Math.Min(w.Heads, 4); h++)
            sb.Append(MatrixDisplay.Html(w.Get(0, h), title: $"sequence 0, head {h}", shade: true));
        return sb.Append("</div>").ToString();
    }

    private static string EvaluationText(Evaluation e) =>
        string.Create(CultureInfo.InvariantCulture,
            $"loss {e.Loss:0.0000}, token accuracy {e.TokenAccuracy:P1}, exact match {e.ExactMatch:P1} of " +
                $"{e.Count:N0}");

    private static string ResultLine(ExperimentResult r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.Task} / {r.ModelKind}: {EvaluationText(r.Test)} (test); {r.Steps:N0} steps, {r.Parameters:N0} " +
                $"parameters, " +
            $"{r.TrainSeconds:0.0} s of training");

    private static readonly string[] HistoryColumns =
        ["step", "epoch", "train loss", "valid loss", "token acc.", "exact match", "learning rate", "s"];

    private static string[] HistoryRow(TrainingRecord r) =>
        [r.Step.ToString(CultureInfo.InvariantCulture), r.Epoch.ToString(CultureInfo.InvariantCulture),
         r.TrainLoss.ToString("0.0000", CultureInfo.InvariantCulture), r.ValidLoss.ToString("0.0000",
             CultureInfo.InvariantCulture),
         r.TokenAccuracy.ToString("P1", CultureInfo.InvariantCulture), r.ExactMatch.ToString("P1",
             CultureInfo.InvariantCulture),
         r.LearningRate.ToString("G3", CultureInfo.InvariantCulture), r.Seconds.ToString("0.0",
             CultureInfo.InvariantCulture)];

    private static string HistoryPlain(IReadOnlyList<TrainingRecord> h)
    {
        var rows = h.Select(HistoryRow).ToList();
        var widths = HistoryColumns.Select((c, i) => Math.Max(c.Length, rows.Count == 0 ? 0 : rows.Max(r =>
            r[i].Length))).ToArray();
        var sb = new StringBuilder($"Training history · {h.Count} evaluations\n");
        sb.Append(string.Join("  ", HistoryColumns.Select((c, i) => c.PadLeft(widths[i]))));
        foreach (var r in rows) sb.Append('\n').Append(string.Join("  ", r.Select((v, i) => v.PadLeft(widths[i]))));
        return sb.ToString();
    }

    private static string HistoryHtml(IReadOnlyList<TrainingRecord> h)
    {
        var sb = new StringBuilder("<table class=\"tc-history\" style=\"font-family:monospace;text-align:right\">");
        sb.Append($"<caption style=\"text-align:left;font-family:sans-serif\">Training history · {h.Count} " +
            $"evaluations</caption><thead><tr>");
        foreach (var c in HistoryColumns) sb.Append("<th style=\"padding:0 6px\">").Append(c).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var r in h.Select(HistoryRow))
            sb.Append("<tr>").Append(string.Concat(r.Select(v =>
                $"<td style=\"padding:0 6px\">{v}</td>"))).Append("</tr>");
        return sb.Append("</tbody></table>").ToString();
    }
}
