using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnToolkit.Reports;

/// <summary>Reads the nbformat JSON pieces a report needs: cell types, multi-line text, JSON MIME types.</summary>
static class NotebookJson
{
    /// <summary>The cell's type (<c>code</c>, <c>markdown</c> or <c>raw</c>).</summary>
    public static string CellType(JsonObject cell) => cell["cell_type"]!.GetValue<string>();

    /// <summary>The cell's source text.</summary>
    public static string Source(JsonObject cell) => JoinText(cell["source"]);

    /// <summary>Joins nbformat multi-line text (a string or a list of strings) into one string.</summary>
    public static string JoinText(JsonNode? node) => node switch
    {
        null => "",
        JsonArray arr => string.Concat(arr.Select(x => x?.GetValueKind() == JsonValueKind.String ? x.GetValue<string>() : "")),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => "",
    };

    /// <summary>True for MIME types whose bundle value is JSON rather than text.</summary>
    public static bool IsJsonMime(string mime) =>
        mime == "application/json" || (mime.StartsWith("application/", StringComparison.Ordinal) && mime.EndsWith("+json", StringComparison.Ordinal));
}
