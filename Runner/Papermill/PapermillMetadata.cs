using System.Globalization;
using System.Text.Json.Nodes;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Papermill;

/// <summary>Writes papermill's notebook-level and cell-level <c>papermill</c> metadata.</summary>
static class PapermillMetadata
{
    /// <summary>The papermill version whose output format is reproduced.</summary>
    public const string PapermillVersion = "2.6.0";

    /// <summary>Formats a time as papermill does (ISO 8601, microseconds, UTC offset).</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    /// <summary>Initialises the notebook's <c>papermill</c> metadata before the run.</summary>
    public static void StartNotebook(NotebookDocument notebook, IReadOnlyList<KeyValuePair<string, object?>> parameters,
        string inputPath, string? outputPath, DateTimeOffset start)
    {
        var parameterNode = new JsonObject();
        foreach (var (name, value) in parameters) parameterNode[name] = ToJson(value);
        notebook.Metadata["papermill"] = new JsonObject
        {
            ["default_parameters"] = new JsonObject(),
            ["duration"] = null,
            ["end_time"] = null,
            ["environment_variables"] = new JsonObject(),
            ["exception"] = null,
            ["input_path"] = inputPath,
            ["output_path"] = outputPath,
            ["parameters"] = parameterNode,
            ["start_time"] = Timestamp(start),
            ["version"] = PapermillVersion,
        };
    }

    /// <summary>Records the end of the run.</summary>
    public static void EndNotebook(NotebookDocument notebook, DateTimeOffset start, DateTimeOffset end, bool failed)
    {
        var pm = NotebookDocument.GetOrCreateObject(notebook.Metadata, "papermill");
        pm["end_time"] = Timestamp(end);
        pm["duration"] = (end - start).TotalSeconds;
        pm["exception"] = failed ? true : null;
    }

    /// <summary>Marks a cell pending: outputs and execution count cleared, no times.</summary>
    public static void Pending(JsonObject cell)
    {
        var metadata = NotebookDocument.GetOrCreateObject(cell, "metadata");
        metadata["papermill"] = new JsonObject
        {
            ["duration"] = null,
            ["end_time"] = null,
            ["exception"] = null,
            ["start_time"] = null,
            ["status"] = "pending",
        };
        if (NotebookDocument.CellType(cell) == "code")
        {
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
        }
    }

    /// <summary>Marks a cell running.</summary>
    public static void Running(JsonObject cell, DateTimeOffset start)
    {
        var pm = NotebookDocument.GetOrCreateObject(NotebookDocument.GetOrCreateObject(cell, "metadata"), "papermill");
        pm["start_time"] = Timestamp(start);
        pm["status"] = "running";
    }

    /// <summary>Marks a cell completed or failed.</summary>
    public static void Finished(JsonObject cell, DateTimeOffset start, DateTimeOffset end, bool failed)
    {
        var pm = NotebookDocument.GetOrCreateObject(NotebookDocument.GetOrCreateObject(cell, "metadata"), "papermill");
        pm["start_time"] = Timestamp(start);
        pm["end_time"] = Timestamp(end);
        pm["duration"] = (end - start).TotalSeconds;
        pm["exception"] = failed;
        pm["status"] = failed ? "failed" : "completed";
    }

    /// <summary>Converts a parameter value to JSON for the metadata record.</summary>
    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        int i => JsonValue.Create(i),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        double d => JsonValue.Create(d.ToString(CultureInfo.InvariantCulture)),
        System.Collections.IDictionary dict => DictToJson(dict),
        System.Collections.IEnumerable list => new JsonArray(list.Cast<object?>().Select(ToJson).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    static JsonObject DictToJson(System.Collections.IDictionary dict)
    {
        var obj = new JsonObject();
        foreach (System.Collections.DictionaryEntry e in dict) obj[Convert.ToString(e.Key, CultureInfo.InvariantCulture)!] = ToJson(e.Value);
        return obj;
    }
}
