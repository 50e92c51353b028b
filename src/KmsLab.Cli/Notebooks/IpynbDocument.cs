using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KmsLab.Cli.Notebooks;

/// <summary>
/// A Jupyter notebook (nbformat 4) as JSON, with just enough structure for KmsLab: cells in order,
/// each with its kind (markdown or code), source, kernel (Polyglot's <c>polyglot_notebook.kernelName</c>)
/// and outputs. Everything else in the file is kept as it was, and it is written back in Jupyter's
/// own layout (one-space indent, source as a list of lines) so that rewriting a file that did not
/// change leaves it byte-for-byte the same.
/// </summary>
internal sealed class IpynbDocument
{
    private readonly JsonObject _root;

    private IpynbDocument(JsonObject root, string? path)
    {
        _root = root;
        Path = path;
        if (_root["cells"] is not JsonArray) _root["cells"] = new JsonArray();
    }

    /// <summary>Where the notebook was read from, if from a file.</summary>
    public string? Path { get; }

    public static IpynbDocument Load(string path) => Parse(File.ReadAllText(path), path);

    public static IpynbDocument Parse(string json, string? path = null)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path ?? "The notebook"} is not valid JSON: {e.Message}", e);
        }
        if (node is not JsonObject root) throw new InvalidDataException($"{path ?? "The notebook"} is not a Jupyter notebook (a JSON object).");
        return new IpynbDocument(root, path);
    }

    /// <summary>A new, empty Polyglot (C#) notebook.</summary>
    public static IpynbDocument CreatePolyglot()
    {
        var doc = new IpynbDocument(new JsonObject(), null);
        doc.EnsurePolyglotMetadata();
        doc._root["nbformat"] = 4;
        doc._root["nbformat_minor"] = 5;
        return doc;
    }

    public JsonObject Metadata => _root["metadata"] as JsonObject ?? (JsonObject)(_root["metadata"] = new JsonObject());

    public IReadOnlyList<IpynbCell> Cells => ((JsonArray)_root["cells"]!).OfType<JsonObject>().Select(c => new IpynbCell(c, DefaultKernel)).ToList();

    /// <summary>The kernel code cells run in unless they say otherwise: Polyglot's default, else C#.</summary>
    public string DefaultKernel =>
        (Metadata["polyglot_notebook"] as JsonObject)?["defaultKernelName"]?.GetValue<string>() ?? "csharp";

    public IpynbCell InsertCell(int index, string cellType, string source)
    {
        var cell = new JsonObject { ["cell_type"] = cellType, ["id"] = NewId(), ["metadata"] = new JsonObject(), ["source"] = new JsonArray() };
        if (cellType == "code")
        {
            cell["execution_count"] = null;
            cell["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } };
            cell["outputs"] = new JsonArray();
        }
        ((JsonArray)_root["cells"]!).Insert(index, cell);
        var c = new IpynbCell(cell, DefaultKernel) { Source = source };
        return c;
    }

    public IpynbCell AddCell(string cellType, string source) => InsertCell(((JsonArray)_root["cells"]!).Count, cellType, source);

    public void RemoveCell(IpynbCell cell) => ((JsonArray)_root["cells"]!).Remove(cell.Json);

    /// <summary>The metadata Polyglot Notebooks writes for a C# notebook (kernelspec, language_info, polyglot_notebook).</summary>
    public void EnsurePolyglotMetadata()
    {
        var m = Metadata;
        m["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        m["language_info"] = new JsonObject { ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp", ["name"] = "C#", ["pygments_lexer"] = "csharp", ["version"] = "13.0" };
        m["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray { new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" } },
            },
        };
    }

    /// <summary>Gives every cell an id (nbformat 4.5) and removes outputs and execution counts.</summary>
    public void ClearOutputs()
    {
        foreach (var cell in Cells)
        {
            if (cell.IsCode)
            {
                cell.Json["execution_count"] = null;
                cell.Json["outputs"] = new JsonArray();
            }
        }
    }

    public void EnsureCellIds()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var cell in Cells)
        {
            var id = cell.Json["id"]?.GetValue<string>();
            if (string.IsNullOrEmpty(id) || !seen.Add(id))
            {
                id = NewId();
                seen.Add(id);
                cell.Json["id"] = id;
            }
        }
        if ((_root["nbformat_minor"]?.GetValue<int>() ?? 0) < 5) _root["nbformat_minor"] = 5;
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>The notebook in Jupyter's layout: one-space indent, keys as they are, LF line ends, final newline.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            _root.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    public void Save(string path) => File.WriteAllText(path, ToJson(), new UTF8Encoding(false));

    /// <summary>A deep copy, e.g. to fill with outputs while the original stays clean.</summary>
    public IpynbDocument Clone() => new((JsonObject)_root.DeepClone(), Path);
}

/// <summary>One cell of an <see cref="IpynbDocument"/>: a view over its JSON.</summary>
internal sealed class IpynbCell(JsonObject json, string defaultKernel)
{
    public JsonObject Json { get; } = json;

    public string CellType => Json["cell_type"]?.GetValue<string>() ?? "code";

    public bool IsCode => CellType == "code";

    public bool IsMarkdown => CellType == "markdown";

    public string Id => Json["id"]?.GetValue<string>() ?? "";

    /// <summary>The kernel a code cell runs in: Polyglot's per-cell kernel name, else the notebook default.</summary>
    public string KernelName =>
        ((Json["metadata"] as JsonObject)?["polyglot_notebook"] as JsonObject)?["kernelName"]?.GetValue<string>()
        ?? ((Json["metadata"] as JsonObject)?["dotnet_interactive"] as JsonObject)?["language"]?.GetValue<string>()
        ?? (IsMarkdown ? "markdown" : defaultKernel);

    /// <summary>The cell's text; nbformat stores it as a string or a list of lines.</summary>
    public string Source
    {
        get => Json["source"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>() ?? "")),
            JsonValue v => v.GetValue<string>(),
            _ => "",
        };
        set
        {
            Json["source"] = Lines(value.Replace("\r\n", "\n", StringComparison.Ordinal));
        }
    }

    /// <summary>Text as nbformat stores it: a list of lines, each keeping its newline.</summary>
    internal static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int nl = text.IndexOf('\n', start);
            int end = nl < 0 ? text.Length : nl + 1;
            lines.Add(text[start..end]);
            start = end;
        }
        return lines;
    }

    public JsonArray Outputs => Json["outputs"] as JsonArray ?? (JsonArray)(Json["outputs"] = new JsonArray());

    public bool HasOutputs => Json["outputs"] is JsonArray { Count: > 0 } || Json["execution_count"] is JsonValue;
}
