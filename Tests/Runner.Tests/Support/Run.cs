using System.Text.Json.Nodes;

namespace RnnToolkit.Runner.Tests.Support;

/// Runs a notebook in-process and returns the result and the written output JSON.
public static class Run
{
    public static async Task<(NotebookRunResult Result, JsonObject Output)> NotebookAsync(
        TempFolder folder, RunnerOptions? options, params JsonObject[] cells)
    {
        var input = TestNotebook.Write(folder.File("in.ipynb"), cells);
        var output = folder.File("out.ipynb");
        var result = await NotebookRunner.RunAsync(input, output, options);
        return (result, TestNotebook.Read(output));
    }

    /// The outputs of the code cell whose source contains the marker.
    public static JsonArray OutputsOf(JsonObject notebook, string marker) =>
        TestNotebook.Cells(notebook)
            .Select(c => c!.AsObject())
            .Single(c => (string)c["cell_type"]! == "code" && TestNotebook.Text(c["source"]).Contains(marker))["outputs"]!.AsArray();
}
