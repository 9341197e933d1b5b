using System.Text.Json.Nodes;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Papermill;

/// <summary>papermill's error marker cells: one at the top linking to the failing cell, one right before it.</summary>
static class ErrorCells
{
    /// <summary>The tag on both marker cells.</summary>
    public const string Tag = "papermill-error-cell-tag";

    const string Style = "style=\"color:red; font-family:Helvetica Neue, Helvetica, Arial, sans-serif; font-size:2em;\"";

    /// <summary>Removes marker cells left by an earlier run.</summary>
    public static void RemoveExisting(NotebookDocument notebook)
    {
        var cells = notebook.Cells;
        for (int i = cells.Count - 1; i >= 0; i--)
        {
            if (NotebookDocument.Tags((JsonObject)cells[i]!).Contains(Tag)) cells.RemoveAt(i);
        }
    }

    /// <summary>Inserts the marker before the cell at <paramref name="failedIndex"/> and the link at the top.</summary>
    /// <returns>The failing cell's new index.</returns>
    public static int Insert(NotebookDocument notebook, int failedIndex, int? executionCount)
    {
        var cells = notebook.Cells;
        cells.Insert(failedIndex, Markdown(
            $"<span id=\"papermill-error-cell\" {Style}>Execution using papermill encountered an exception here and stopped:</span>"));
        cells.Insert(0, Markdown(
            $"<span {Style}>An Exception was encountered at '<a href=\"#papermill-error-cell\">In [{executionCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? " "}]</a>'.</span>"));
        return failedIndex + 2;
    }

    static JsonObject Markdown(string source) => new()
    {
        ["cell_type"] = "markdown",
        ["id"] = NotebookDocument.NewCellId(),
        ["metadata"] = new JsonObject { ["tags"] = new JsonArray(Tag) },
        ["source"] = source,
    };
}
