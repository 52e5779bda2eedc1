using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TransformerCourse.Runner.Scripting;

namespace TransformerCourse.Runner;

/// <summary>
/// An nbformat 4 notebook as Polyglot Notebooks writes it: kernelspec <c>.net-csharp</c>, the notebook-level
/// <c>metadata.polyglot_notebook.kernelInfo.defaultKernelName</c>, and per code cell
/// <c>metadata.polyglot_notebook.kernelName</c>. The JSON is kept as is, so saving writes back every field
/// this class does not know about.
/// </summary>
public sealed partial class NotebookDocument
{
    private static readonly string[] cellTypes = ["code", "markdown", "raw"];
    private readonly JsonObject root;

    private NotebookDocument(string path, JsonObject root)
    {
        Path = path;
        this.root = root;
        var cells = root["cells"] switch
        {
            JsonArray a => a,
            null => throw new InvalidDataException($"{path}: no 'cells' array; is this an .ipynb notebook?"),
            _ => throw new InvalidDataException($"{path}: 'cells' must be an array"),
        };
        var codeCells = 0;
        var list = new List<NotebookCell>();
        for (var i = 0; i < cells.Count; i++)
        {
            string Where(int? code) => $"{path}: {CellNames.Name(i + 1, cells.Count, code)}";
            if (cells[i] is not JsonObject json)
                throw new InvalidDataException($"{Where(null)}: must be a JSON object");
            var type = json["cell_type"] switch
            {
                null => throw new InvalidDataException(
                    $"{Where(null)}: 'cell_type' is missing (code, markdown or raw)"),
                JsonValue v when v.TryGetValue<string>(out var t) && cellTypes.Contains(t) => t,
                var other => throw new InvalidDataException(
                    $"{Where(null)}: 'cell_type' must be code, markdown or raw, not {other.ToJsonString()}"),
            };
            int? code = type == "code" ? ++codeCells : null;
            var sourceOk = json["source"] switch
            {
                JsonValue v => v.TryGetValue<string>(out _),
                JsonArray lines => lines.All(l => l is JsonValue v && v.TryGetValue<string>(out _)),
                _ => false,
            };
            if (!sourceOk)
                throw new InvalidDataException($"{Where(code)}: 'source' must be a string or an array of strings");
            if (json["metadata"] is not (null or JsonObject))
                throw new InvalidDataException($"{Where(code)}: 'metadata' must be an object");
            list.Add(new NotebookCell(this, i + 1, code, json));
        }
        Cells = list;
    }

    /// <summary>The file this notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths in <c>#r</c> and <c>#load</c> resolve against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    /// <summary>The cells in order; <see cref="NotebookCell.Number"/> counts from 1.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The kernel a code cell without its own kernel name runs in (normally <c>csharp</c>).</summary>
    public string DefaultKernelName =>
        Text(root, "metadata", "polyglot_notebook", "kernelInfo", "defaultKernelName")
        ?? (Text(root, "metadata", "kernelspec", "name") switch
        {
            ".net-fsharp" => "fsharp",
            ".net-pwsh" => "pwsh",
            _ => "csharp",
        });

    /// <summary>
    /// The kernel the notebook was saved for: <c>metadata.kernelspec.name</c>, else
    /// <c>metadata.language_info.name</c>.
    /// </summary>
    public string? KernelSpec =>
        Text(root, "metadata", "kernelspec", "name") ?? Text(root, "metadata", "language_info", "name");

    /// <summary>
    /// Null for a notebook this runner can run — a Polyglot Notebooks (.NET Interactive) notebook, kernelspec
    /// <c>.net-*</c>, or one that names no kernel — else why not:
    /// <c>notebooks/x.ipynb is not a C# notebook (kernel: python3)</c>. Its cells would otherwise be compiled as C#.
    /// </summary>
    public string? NotCSharp
    {
        get
        {
            var spec = Text(root, "metadata", "kernelspec", "name");
            var language = Text(root, "metadata", "language_info", "name");
            var dotnet = spec is not null
                ? spec.StartsWith(".net-", StringComparison.OrdinalIgnoreCase)
                : language is null || dotnetLanguages.Contains(language);
            return dotnet ? null
                : $"{Path} is not a C# notebook (kernel: {KernelSpec}); " +
                  "the runner runs Polyglot Notebooks (.NET Interactive) notebooks";
        }
    }

    private static readonly HashSet<string> dotnetLanguages =
        new(["polyglot-notebook", "C#", "csharp", "F#", "fsharp", "PowerShell", "pwsh"],
            StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a notebook; throws <see cref="InvalidDataException"/> naming the file — and for JSON errors the line and
    /// column, for a malformed cell the cell — when it is not nbformat 4 JSON.
    /// </summary>
    public static NotebookDocument Load(string path)
    {
        var text = File.ReadAllText(path);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{path}: not valid JSON at {JsonPlace(text, e)}: {JsonDetails().Replace(e.Message, "")}", e);
        }
        if (node is not JsonObject obj)
            throw new InvalidDataException($"{path}: not a notebook (the top level is not a JSON object)");
        if (obj["nbformat"] is not JsonValue format || !format.TryGetValue<int>(out var version) || version != 4)
            throw new InvalidDataException(
                $"{path}: nbformat {obj["nbformat"]?.ToJsonString() ?? "(missing)"} is not supported; expected 4");
        return new NotebookDocument(path, obj);
    }

    /// <summary>
    /// The string at <paramref name="path"/> under <paramref name="node"/>, or null when any step is missing or of
    /// another type.
    /// </summary>
    internal static string? Text(JsonNode? node, params string[] path)
    {
        foreach (var key in path) node = node is JsonObject o ? o[key] : null;
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    // "line 5, column 12" (1-based; the column counts characters, JsonException counts bytes).
    private static string JsonPlace(string text, JsonException e)
    {
        if (e.LineNumber is not { } line) return "an unknown place";
        var lines = text.Split('\n');
        var column = (int)(e.BytePositionInLine ?? 0);
        if (line < lines.Length)
        {
            var bytes = Encoding.UTF8.GetBytes(lines[line]);
            column = Encoding.UTF8.GetString(bytes, 0, Math.Min(column, bytes.Length)).Length;
        }
        return $"line {line + 1}, column {column + 1}";
    }

    // System.Text.Json ends its messages with " Path: $ | LineNumber: 4 | BytePositionInLine: 2." (0-based).
    [GeneratedRegex(@"\s*(Path: [^|]*\| )?LineNumber: \d+ \| BytePositionInLine: \d+\.\s*$")]
    private static partial Regex JsonDetails();

    /// <summary>Writes the notebook (with whatever outputs the cells now hold) as indented JSON, as Jupyter
    /// does.</summary>
    public void Save(string path)
    {
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>The notebook as nbformat JSON text (one-space indent and a final newline, like Jupyter and VS
    /// Code).</summary>
    public string ToJson()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder =
            JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return root.ToJsonString(options) + "\n";
    }
}

/// <summary>One cell of a <see cref="NotebookDocument"/>.</summary>
public sealed class NotebookCell
{
    private readonly NotebookDocument notebook;

    internal NotebookCell(NotebookDocument notebook, int number, int? codeNumber, JsonObject json)
    {
        this.notebook = notebook;
        Number = number;
        CodeNumber = codeNumber;
        Json = json;
    }

    /// <summary>1-based position among all the notebook's cells, markdown included.</summary>
    public int Number { get; }

    /// <summary>1-based position among the code cells (of any kernel); null for markdown and raw cells.</summary>
    public int? CodeNumber { get; }

    /// <summary>
    /// The cell as messages name it, without numbers the editor does not show: <c>code cell 2 (cell 5 of 17)</c>
    /// (count code cells from the top, or all cells), or <c>cell 4 of 17</c> for a markdown cell.
    /// </summary>
    public string Name => CellNames.Name(Number, notebook.Cells.Count, CodeNumber);

    /// <summary>The first non-blank line of the source, shortened: what to search for in the editor.</summary>
    public string FirstLine => CellNames.FirstLine(Source);

    /// <summary>
    /// <see cref="Name"/> and <see cref="FirstLine"/>: <c>code cell 2 (cell 5 of 17) "// Exercise 01.2: softmax"</c>.
    /// </summary>
    public string Label => CellNames.Label(Name, FirstLine);

    /// <summary>The cell's JSON object.</summary>
    public JsonObject Json { get; }

    /// <summary><c>code</c>, <c>markdown</c> or <c>raw</c>.</summary>
    public string CellType => NotebookDocument.Text(Json, "cell_type") ?? "code";

    /// <summary>The source text; nbformat stores it as a string or a list of lines.</summary>
    public string Source
    {
        get => Json["source"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        };
        set => Json["source"] = NbformatText.Lines(value);
    }

    /// <summary>
    /// The kernel this code cell belongs to: <c>metadata.polyglot_notebook.kernelName</c>, else the older
    /// <c>metadata.dotnet_interactive.language</c>, else the notebook's default kernel.
    /// </summary>
    public string KernelName =>
        NotebookDocument.Text(Json, "metadata", "polyglot_notebook", "kernelName")
        ?? NotebookDocument.Text(Json, "metadata", "dotnet_interactive", "language")
        ?? notebook.DefaultKernelName;

    /// <summary>Replaces the cell's outputs and execution count (code cells only).</summary>
    public void SetOutputs(JsonArray outputs, int? executionCount)
    {
        Json["outputs"] = outputs;
        Json["execution_count"] = executionCount;
    }

}

/// <summary>
/// How every message names a cell. VS Code's Polyglot Notebooks shows no cell numbers, so a cell is named by its
/// place among the code cells, its place among all cells, and its first line, which the editor's search finds:
/// <c>code cell 2 (cell 5 of 17) "// Exercise 01.2: softmax"</c>.
/// </summary>
public static class CellNames
{
    private const int MaxFirstLine = 60;

    /// <summary><c>code cell 2 (cell 5 of 17)</c>, or <c>cell 4 of 17</c> when the cell is not a code cell.</summary>
    public static string Name(int number, int total, int? codeNumber) =>
        codeNumber is { } code ? $"code cell {code} (cell {number} of {total})" : $"cell {number} of {total}";

    /// <summary>The first non-blank line of <paramref name="source"/>, trimmed and cut to 60 characters.</summary>
    public static string FirstLine(string source)
    {
        var line = source.Replace("\r\n", "\n").Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        return line.Length <= MaxFirstLine ? line : line[..(MaxFirstLine - 1)].TrimEnd() + "…";
    }

    /// <summary>The name followed by the quoted first line (if the cell has one).</summary>
    public static string Label(string name, string firstLine) =>
        firstLine.Length == 0 ? name : $"{name} \"{firstLine}\"";
}
