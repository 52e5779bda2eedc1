using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TransformerCourse.Notebooks;

/// <summary>
/// An nbformat 4 notebook as Polyglot Notebooks writes it: kernelspec <c>.net-csharp</c>, the notebook-level
/// <c>metadata.polyglot_notebook.kernelInfo.defaultKernelName</c>, and per code cell
/// <c>metadata.polyglot_notebook.kernelName</c>. The JSON is kept as is, so saving writes back every field
/// this class does not know about.
/// </summary>
public sealed class Notebook
{
    private readonly JsonObject root;

    private Notebook(string path, JsonObject root)
    {
        Path = path;
        this.root = root;
        var cells = root["cells"] as JsonArray ?? throw new InvalidDataException($"{path}: no \"cells\" array; is this an .ipynb notebook?");
        Cells = cells.Select((c, i) => new NotebookCell(this, i + 1, c as JsonObject
            ?? throw new InvalidDataException($"{path}: cell {i + 1} is not a JSON object"))).ToList();
    }

    /// <summary>The file this notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The folder relative paths in <c>#r</c> and <c>#load</c> resolve against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;

    /// <summary>The cells in order; <see cref="NotebookCell.Number"/> counts from 1.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The kernel a code cell without its own kernel name runs in (normally <c>csharp</c>).</summary>
    public string DefaultKernelName =>
        root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]?.GetValue<string>()
        ?? (root["metadata"]?["kernelspec"]?["name"]?.GetValue<string>() switch
        {
            ".net-fsharp" => "fsharp",
            ".net-pwsh" => "pwsh",
            _ => "csharp",
        });

    /// <summary>Reads a notebook; throws <see cref="InvalidDataException"/> naming the file when it is not nbformat 4 JSON.</summary>
    public static Notebook Load(string path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}): {e.Message}", e);
        }
        if (node is not JsonObject obj)
            throw new InvalidDataException($"{path}: not a notebook (the top level is not a JSON object)");
        if (obj["nbformat"]?.GetValue<int>() is not 4)
            throw new InvalidDataException($"{path}: nbformat {obj["nbformat"]} is not supported; expected 4");
        return new Notebook(path, obj);
    }

    /// <summary>Writes the notebook (with whatever outputs the cells now hold) as indented JSON, as Jupyter does.</summary>
    public void Save(string path)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        File.WriteAllText(path, ToJson(), new UTF8Encoding(false));
    }

    /// <summary>The notebook as nbformat JSON text (one-space indent and a final newline, like Jupyter and VS Code).</summary>
    public string ToJson()
    {
        var options = new JsonSerializerOptions { WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return root.ToJsonString(options) + "\n";
    }
}

/// <summary>One cell of a <see cref="Notebook"/>.</summary>
public sealed class NotebookCell
{
    private readonly Notebook notebook;

    internal NotebookCell(Notebook notebook, int number, JsonObject json)
    {
        this.notebook = notebook;
        Number = number;
        Json = json;
    }

    /// <summary>1-based position in the notebook, as people count cells.</summary>
    public int Number { get; }

    /// <summary>The cell's JSON object.</summary>
    public JsonObject Json { get; }

    /// <summary><c>code</c>, <c>markdown</c> or <c>raw</c>.</summary>
    public string CellType => Json["cell_type"]?.GetValue<string>() ?? "code";

    /// <summary>The source text; nbformat stores it as a string or a list of lines.</summary>
    public string Source
    {
        get => Json["source"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        };
        set => Json["source"] = new JsonArray(SplitLines(value).Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
    }

    /// <summary>
    /// The kernel this code cell belongs to: <c>metadata.polyglot_notebook.kernelName</c>, else the older
    /// <c>metadata.dotnet_interactive.language</c>, else the notebook's default kernel.
    /// </summary>
    public string KernelName =>
        Json["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>()
        ?? Json["metadata"]?["dotnet_interactive"]?["language"]?.GetValue<string>()
        ?? notebook.DefaultKernelName;

    /// <summary>Replaces the cell's outputs and execution count (code cells only).</summary>
    public void SetOutputs(JsonArray outputs, int? executionCount)
    {
        Json["outputs"] = outputs;
        Json["execution_count"] = executionCount;
    }

    /// <summary>Splits text into lines that keep their "\n", the way nbformat stores sources and stream text.</summary>
    public static IEnumerable<string> SplitLines(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n') continue;
            yield return text[start..(i + 1)];
            start = i + 1;
        }
        if (start < text.Length) yield return text[start..];
    }
}
