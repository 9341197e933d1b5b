using System.Text;
using System.Text.Json.Nodes;

namespace RnnToolkit.Formatting;

/// <summary>One output of a notebook app's cell, as the report shows it: console text, a display, or the error that stopped the app.</summary>
sealed class AppOutput
{
    AppOutput(string type) => OutputType = type;

    /// <summary><c>stream</c>, <c>display_data</c> or <c>error</c>, as in nbformat.</summary>
    public string OutputType { get; }

    /// <summary>For a stream: <c>stdout</c> or <c>stderr</c>.</summary>
    public string? StreamName { get; private init; }

    /// <summary>For a stream: its text so far.</summary>
    public StringBuilder Text { get; } = new();

    /// <summary>For a display: the value formatted as each MIME type; replaced by an update.</summary>
    public IReadOnlyDictionary<string, string> Data { get; set; } = new Dictionary<string, string>();

    /// <summary>For an error: the exception.</summary>
    public Exception? Error { get; private init; }

    public static AppOutput Stream(string name) => new("stream") { StreamName = name };

    public static AppOutput Display(IReadOnlyDictionary<string, string> data) => new("display_data") { Data = data };

    public static AppOutput Failure(Exception error) => new("error") { Error = error };

    /// <summary>The output as nbformat JSON.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["output_type"] = OutputType };
        switch (OutputType)
        {
            case "stream":
                json["name"] = StreamName;
                json["text"] = Text.ToString();
                break;
            case "display_data":
                var data = new JsonObject();
                foreach (var (mime, text) in Data) data[mime] = text;
                json["data"] = data;
                json["metadata"] = new JsonObject();
                break;
            default:
                json["ename"] = Error!.GetType().Name;
                json["evalue"] = Error.Message;
                json["traceback"] = new JsonArray(JsonValue.Create(Error.GetType().Name), JsonValue.Create(Error.ToString()));
                break;
        }
        return json;
    }
}
