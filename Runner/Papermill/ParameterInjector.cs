using System.Text.Json.Nodes;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Papermill;

/// <summary>
/// Inserts papermill's <c>injected-parameters</c> cell right after the first cell tagged <c>parameters</c> (or at the
/// top, with a warning), replacing an earlier injected cell, and records the parameters in the notebook metadata.
/// </summary>
static class ParameterInjector
{
    /// <summary>The tag of the cell holding default parameters.</summary>
    public const string ParametersTag = "parameters";

    /// <summary>The tag of the cell papermill inserts.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>Injects <paramref name="parameters"/>; returns a warning when no cell is tagged <c>parameters</c>.</summary>
    public static string? Inject(NotebookDocument notebook, IReadOnlyList<KeyValuePair<string, object?>> parameters)
    {
        var source = CSharpParameterTranslator.Translate(parameters);
        var cells = notebook.Cells;
        string? warning = null;
        var injected = IndexOfTag(cells, InjectedTag);
        var parametersIndex = IndexOfTag(cells, ParametersTag);
        var cell = new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = NotebookDocument.NewCellId(),
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray(InjectedTag),
                ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        };
        if (injected >= 0)
        {
            cells.RemoveAt(injected);
            cells.Insert(injected, cell);
        }
        else if (parametersIndex >= 0)
        {
            cells.Insert(parametersIndex + 1, cell);
        }
        else
        {
            warning = "Input notebook does not contain a cell with tag 'parameters'; injecting the parameters at the top.";
            cells.Insert(0, cell);
        }
        return warning;
    }

    static int IndexOfTag(JsonArray cells, string tag)
    {
        for (int i = 0; i < cells.Count; i++)
        {
            if (NotebookDocument.Tags((JsonObject)cells[i]!).Contains(tag)) return i;
        }
        return -1;
    }
}
