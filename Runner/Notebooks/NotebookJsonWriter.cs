using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RnnToolkit.Runner.Notebooks;

/// <summary>
/// Serialises a notebook the way nbformat does (<c>json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)</c>):
/// one-space indentation, keys in ordinal order, non-ASCII kept, multi-line text split into lists of lines.
/// </summary>
static class NotebookJsonWriter
{
    /// <summary>Serialises <paramref name="notebook"/> to nbformat JSON text ending with a newline.</summary>
    public static string Serialize(JsonObject notebook)
    {
        var sb = new StringBuilder(4096);
        Write(sb, notebook, 0, splitLines: false, path: "");
        sb.Append('\n');
        return sb.ToString();
    }

    static void Write(StringBuilder sb, JsonNode? node, int indent, bool splitLines, string path)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                WriteObject(sb, obj, indent, path);
                break;
            case JsonArray arr:
                WriteArray(sb, arr, indent, path);
                break;
            case JsonValue value:
                WriteValue(sb, value, indent, splitLines);
                break;
        }
    }

    static void WriteObject(StringBuilder sb, JsonObject obj, int indent, string path)
    {
        if (obj.Count == 0)
        {
            sb.Append("{}");
            return;
        }
        sb.Append("{\n");
        var keys = obj.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        for (int i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            sb.Append(' ', indent + 1);
            WriteString(sb, key);
            sb.Append(": ");
            var childPath = path + "/" + key;
            Write(sb, obj[key], indent + 1, ShouldSplit(path, key), childPath);
            if (i < keys.Count - 1) sb.Append(',');
            sb.Append('\n');
        }
        sb.Append(' ', indent);
        sb.Append('}');
    }

    // Multi-line strings nbformat stores as lists of lines: cell source, stream text and textual mime bundles.
    static bool ShouldSplit(string parentPath, string key)
    {
        if (key == "source" || key == "text") return true;
        if (parentPath.EndsWith("/data", StringComparison.Ordinal))
            return !IsJsonMime(key);
        return false;
    }

    /// <summary>True for mime types whose bundle value is JSON rather than text.</summary>
    public static bool IsJsonMime(string mime) => RnnToolkit.Reports.NotebookJson.IsJsonMime(mime);

    static void WriteArray(StringBuilder sb, JsonArray arr, int indent, string path)
    {
        if (arr.Count == 0)
        {
            sb.Append("[]");
            return;
        }
        sb.Append("[\n");
        for (int i = 0; i < arr.Count; i++)
        {
            sb.Append(' ', indent + 1);
            Write(sb, arr[i], indent + 1, splitLines: false, path + "/[]");
            if (i < arr.Count - 1) sb.Append(',');
            sb.Append('\n');
        }
        sb.Append(' ', indent);
        sb.Append(']');
    }

    static void WriteValue(StringBuilder sb, JsonValue value, int indent, bool splitLines)
    {
        var element = value.GetValueKind();
        switch (element)
        {
            case JsonValueKind.String:
                var s = value.GetValue<string>();
                if (splitLines && s.Length > 0)
                {
                    var lines = SplitLines(s);
                    sb.Append("[\n");
                    for (int i = 0; i < lines.Count; i++)
                    {
                        sb.Append(' ', indent + 1);
                        WriteString(sb, lines[i]);
                        if (i < lines.Count - 1) sb.Append(',');
                        sb.Append('\n');
                    }
                    sb.Append(' ', indent);
                    sb.Append(']');
                }
                else
                {
                    WriteString(sb, s);
                }
                break;
            case JsonValueKind.True:
                sb.Append("true");
                break;
            case JsonValueKind.False:
                sb.Append("false");
                break;
            case JsonValueKind.Null:
                sb.Append("null");
                break;
            case JsonValueKind.Number:
                if (value.TryGetValue<double>(out var d) && value.TryGetValue<object>(out var boxed) && boxed is double or float)
                    sb.Append(FormatDouble(d));
                else
                    sb.Append(value.ToJsonString());
                break;
            default:
                sb.Append(value.ToJsonString());
                break;
        }
    }

    /// <summary>Formats a double the way Python's <c>repr</c> does for finite values (shortest round-trip).</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d) || double.IsInfinity(d)) return "null";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.') && !s.Contains('E')) s += ".0";
        return s;
    }

    /// <summary>Splits text after each newline, keeping the newline (Python's <c>str.splitlines(keepends=True)</c> on '\n').</summary>
    public static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\n')
            {
                lines.Add(s.Substring(start, i - start + 1));
                start = i + 1;
            }
        }
        if (start < s.Length) lines.Add(s.Substring(start));
        return lines;
    }

    static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20)
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
