using System.Text.Json;
using System.Text.Json.Nodes;
using RnnToolkit.Reports;

namespace RnnToolkit.Runner.Notebooks;

/// <summary>
/// An nbformat 4 notebook held as a JSON tree, so that metadata the runner does not know survives a run.
/// Loading normalises it to nbformat 4.5 (every cell gets an <c>id</c>, sources become strings).
/// </summary>
public sealed class NotebookDocument
{
    NotebookDocument(JsonObject root) => Root = root;

    /// <summary>The whole notebook JSON.</summary>
    public JsonObject Root { get; }

    /// <summary>The notebook's <c>cells</c> array.</summary>
    public JsonArray Cells => (JsonArray)Root["cells"]!;

    /// <summary>The notebook's <c>metadata</c> object (created when missing).</summary>
    public JsonObject Metadata => GetOrCreateObject(Root, "metadata");

    /// <summary>Reads and validates a notebook file.</summary>
    /// <exception cref="NotebookFormatException">The file is not JSON or not an nbformat 4 notebook.</exception>
    public static NotebookDocument Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException($"Cannot read notebook '{path}': {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses notebook JSON text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="NotebookFormatException">The text is not an nbformat 4 notebook.</exception>
    public static NotebookDocument Parse(string text, string source = "<notebook>")
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new NotebookFormatException(
                $"'{source}' is not a notebook: expected nbformat 4 JSON, got invalid JSON ({e.Message})", e);
        }
        if (node is not JsonObject root)
            throw new NotebookFormatException(
                $"'{source}' is not a notebook: expected a JSON object with \"cells\", got {Describe(node)}");
        var major = root["nbformat"];
        if (major is null || major.GetValueKind() != JsonValueKind.Number || major.GetValue<int>() != 4)
            throw new NotebookFormatException(
                $"'{source}' is not a supported notebook: expected \"nbformat\": 4, got {(major is null ? "no nbformat field" : major.ToJsonString())}");
        if (root["cells"] is not JsonArray cells)
            throw new NotebookFormatException(
                $"'{source}' is not a notebook: expected a \"cells\" array, got {Describe(root["cells"])}");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell)
                throw new NotebookFormatException($"'{source}': cell {i} should be a JSON object, got {Describe(cells[i])}");
            var type = cell["cell_type"]?.GetValueKind() == JsonValueKind.String ? cell["cell_type"]!.GetValue<string>() : null;
            if (type is not ("code" or "markdown" or "raw"))
                throw new NotebookFormatException(
                    $"'{source}': cell {i} should have cell_type code, markdown or raw, got {Describe(cell["cell_type"])}");
            cell["source"] = JoinText(cell["source"]);
            GetOrCreateObject(cell, "metadata");
            var id = cell["id"]?.GetValueKind() == JsonValueKind.String ? cell["id"]!.GetValue<string>() : null;
            if (string.IsNullOrEmpty(id) || !ids.Add(id))
            {
                id = NewCellId();
                ids.Add(id);
                cell["id"] = id;
            }
            if (type == "code")
            {
                if (cell["outputs"] is not JsonArray) cell["outputs"] = new JsonArray();
                if (!cell.ContainsKey("execution_count")) cell["execution_count"] = null;
            }
            else
            {
                cell.Remove("outputs");
                cell.Remove("execution_count");
            }
        }
        GetOrCreateObject(root, "metadata");
        root["nbformat_minor"] = Math.Max(5, root["nbformat_minor"]?.GetValueKind() == JsonValueKind.Number ? root["nbformat_minor"]!.GetValue<int>() : 0);
        return new NotebookDocument(root);
    }

    /// <summary>The nbformat JSON text of the notebook (indent 1, sorted keys, non-ASCII kept).</summary>
    public string ToJson() => NotebookJsonWriter.Serialize(Root);

    /// <summary>Saves the notebook by write-then-rename: the file at <paramref name="path"/> is always a complete notebook.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A new random nbformat cell id.</summary>
    public static string NewCellId() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>The cell's type (<c>code</c>, <c>markdown</c> or <c>raw</c>).</summary>
    public static string CellType(JsonObject cell) => RnnToolkit.Reports.NotebookJson.CellType(cell);

    /// <summary>The cell's source text.</summary>
    public static string Source(JsonObject cell) => RnnToolkit.Reports.NotebookJson.Source(cell);

    /// <summary>The cell's tags (empty when none).</summary>
    public static IReadOnlyList<string> Tags(JsonObject cell) =>
        cell["metadata"]?["tags"] is JsonArray tags
            ? tags.Where(t => t?.GetValueKind() == JsonValueKind.String).Select(t => t!.GetValue<string>()).ToList()
            : Array.Empty<string>();

    /// <summary>Joins nbformat multi-line text (a string or a list of strings) into one string.</summary>
    public static string JoinText(JsonNode? node) => RnnToolkit.Reports.NotebookJson.JoinText(node);

    /// <summary>Returns <paramref name="parent"/>[<paramref name="key"/>] as an object, replacing a missing or non-object value with <c>{}</c>.</summary>
    public static JsonObject GetOrCreateObject(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.GetValueKind().ToString().ToLowerInvariant() + " " + Truncate(node.ToJsonString()),
    };

    static string Truncate(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
