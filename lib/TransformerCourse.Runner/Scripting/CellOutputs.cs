using System.Text;
using System.Text.Json.Nodes;

namespace TransformerCourse.Runner.Scripting;

/// <summary>
/// Everything one cell produced, collected as nbformat outputs (<c>stream</c>, <c>display_data</c>,
/// <c>execute_result</c>, <c>error</c>) in the order it happened. Safe to write from several threads.
/// </summary>
public sealed class CellOutputs
{
    private static readonly AsyncLocal<CellOutputs?> current = new();
    private readonly object gate = new();
    private readonly JsonArray outputs = [];
    private readonly Dictionary<string, JsonObject> displays =
        [];   // display id → its output (nbformat files keep no ids)
    private readonly StringBuilder text = new();
    private readonly TextWriter? echo;
    private int displayCount;
    private volatile bool closed;

    // The last output while it is a stream: its text grows in a builder and becomes JSON lines only when read, so
    // printing n lines costs O(n), not O(n²) (re-splitting the whole stream on every write).
    private JsonObject? openStream;
    private readonly StringBuilder openStreamText = new();

    /// <summary>Creates a collector; <paramref name="echo"/>, if given, receives the plain text live.</summary>
    public CellOutputs(TextWriter? echo = null) => this.echo = echo;

    /// <summary>The collector of the cell running on this async flow, if any.</summary>
    public static CellOutputs? Current
    {
        get => current.Value;
        internal set => current.Value = value;
    }

    /// <summary>A copy of the outputs as nbformat JSON.</summary>
    public JsonArray ToJson()
    {
        lock (gate)
        {
            if (openStream is not null) openStream["text"] = NbformatText.Lines(openStreamText.ToString());
            return (JsonArray)outputs.DeepClone();
        }
    }

    /// <summary>All plain text the cell showed (streams, text/plain of displays and results, errors).</summary>
    public string Text
    {
        get { lock (gate) return text.ToString(); }
    }

    /// <summary>
    /// Stops taking console output and echoing: what a cell left running after a timeout or Ctrl+C writes later is
    /// dropped, so it can neither flood the console nor grow without end.
    /// </summary>
    public void Close() => closed = true;

    /// <summary>Appends to <c>stdout</c> or <c>stderr</c>, merging with the previous output of the same
    /// stream.</summary>
    public void Stream(string name, string value)
    {
        if (value.Length == 0 || closed) return;
        lock (gate)
        {
            if (openStream is null || (string?)openStream["name"] != name)
            {
                CloseStream();
                openStream = new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = new JsonArray() };
                outputs.Add(openStream);
            }
            openStreamText.Append(value);
            Show(value);
        }
    }

    /// <summary>Adds a <c>display_data</c> output and returns its display id.</summary>
    public string Display(IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        lock (gate)
        {
            var id = $"display-{++displayCount}";
            var output = new JsonObject
            {
                ["output_type"] = "display_data",
                ["data"] = Data(formatted),
                ["metadata"] = new JsonObject(),
            };
            CloseStream();
            outputs.Add(output);
            displays[id] = output;
            ShowPlain(formatted);
            return id;
        }
    }

    /// <summary>Replaces the data of an earlier display in place (what <c>DisplayedValue.Update</c> does in the
    /// kernel).</summary>
    public void Update(string displayId, IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        lock (gate)
        {
            if (!displays.TryGetValue(displayId, out var target)) return;
            target["data"] = Data(formatted);
            ShowPlain(formatted);
        }
    }

    /// <summary>Adds the <c>execute_result</c>: the value of the cell's trailing expression.</summary>
    public void Result(int executionCount, IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        lock (gate)
        {
            CloseStream();
            outputs.Add(new JsonObject
            {
                ["output_type"] = "execute_result",
                ["execution_count"] = executionCount,
                ["data"] = Data(formatted),
                ["metadata"] = new JsonObject(),
            });
            ShowPlain(formatted);
        }
    }

    /// <summary>Adds an <c>error</c> output.</summary>
    public void Error(string name, string value, IEnumerable<string> traceback)
    {
        lock (gate)
        {
            CloseStream();
            outputs.Add(new JsonObject
            {
                ["output_type"] = "error",
                ["ename"] = name,
                ["evalue"] = value,
                ["traceback"] = new JsonArray(traceback.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            });
            Show($"{name}: {value}\n");
        }
    }

    private void CloseStream()
    {
        if (openStream is null) return;
        openStream["text"] = NbformatText.Lines(openStreamText.ToString());
        openStream = null;
        openStreamText.Clear();
    }

    private void ShowPlain(IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        var plain = formatted.FirstOrDefault(f => f.MimeType == "text/plain").Value
                    ?? TextOfHtml(formatted.FirstOrDefault(f => f.MimeType == "text/html").Value)
                    ?? formatted.FirstOrDefault().Value ?? "";
        Show(plain.EndsWith('\n') ? plain : plain + "\n");
    }

    // For the terminal echo of an HTML-only display: its text without styles, scripts and tags.
    private static string? TextOfHtml(string? html)
    {
        if (html is null) return null;
        var text = System.Text.RegularExpressions.Regex.Replace(html, "<(style|script)[^>]*>.*?</\\1>", "",
            System.Text.RegularExpressions.RegexOptions.Singleline
                | System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        text = System.Text.RegularExpressions.Regex.Replace(text, "<[^>]+>", " ");
        return System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(text, "[ \t]+",
            " ")).Trim();
    }

    private void Show(string value)
    {
        if (closed) return;
        text.Append(value);
        echo?.Write(value);
    }

    private static JsonObject Data(IReadOnlyList<(string MimeType, string Value)> formatted)
    {
        var data = new JsonObject();
        foreach (var (mime, value) in formatted) data[mime] = NbformatText.Lines(value);
        return data;
    }

}
