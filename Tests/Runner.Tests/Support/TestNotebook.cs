using System.Text.Json.Nodes;

namespace RnnToolkit.Runner.Tests.Support;

/// Builds small .ipynb files for tests.
public static class TestNotebook
{
    public static JsonObject Code(string source, params string[] tags)
    {
        var metadata = new JsonObject
        {
            ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
            ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
        };
        if (tags.Length > 0) metadata["tags"] = new JsonArray(tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
        return new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = metadata,
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        };
    }

    public static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["metadata"] = new JsonObject(),
        ["source"] = source,
    };

    /// Polyglot-style notebook JSON (nbformat 4.5, C# kernelspec) unless kernelMetadata is false.
    public static JsonObject Create(IEnumerable<JsonObject> cells, bool kernelMetadata = true)
    {
        var metadata = new JsonObject();
        if (kernelMetadata)
        {
            metadata["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
            metadata["language_info"] = new JsonObject { ["name"] = "C#" };
            metadata["polyglot_notebook"] = new JsonObject
            {
                ["kernelInfo"] = new JsonObject
                {
                    ["defaultKernelName"] = "csharp",
                    ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
                },
            };
        }
        int id = 0;
        var array = new JsonArray();
        foreach (var cell in cells)
        {
            cell["id"] ??= $"cell-{id++}";
            array.Add(cell);
        }
        return new JsonObject { ["cells"] = array, ["metadata"] = metadata, ["nbformat"] = 4, ["nbformat_minor"] = 5 };
    }

    public static string Write(string path, params JsonObject[] cells) => WriteNotebook(path, Create(cells));

    public static string WriteNotebook(string path, JsonObject notebook)
    {
        File.WriteAllText(path, notebook.ToJsonString());
        return path;
    }

    public static JsonObject Read(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    public static JsonArray Cells(JsonObject notebook) => notebook["cells"]!.AsArray();

    /// Joins nbformat multi-line text.
    public static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string)x!)),
        null => "",
        _ => (string)node!,
    };
}
