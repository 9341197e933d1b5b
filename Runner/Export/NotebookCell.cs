namespace RnnToolkit.Runner.Export;

/// <summary>A notebook cell being exported: its index, source and tags; <see cref="Describe"/> names it in error messages.</summary>
/// <param name="Notebook">The notebook's file name.</param>
/// <param name="Index">The cell's index in the notebook, from 0.</param>
/// <param name="Source">The cell's source.</param>
/// <param name="Tags">The cell's tags.</param>
sealed record NotebookCell(string Notebook, int Index, string Source, IReadOnlyList<string> Tags)
{
    /// <summary>"nb.ipynb, cell 3 (`first line`)": the notebook, the cell's index and its first non-blank line.</summary>
    public string Describe()
    {
        var first = Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        if (first.Length > 60) first = first[..57] + "...";
        return $"{Notebook}, cell {Index} (`{first}`)";
    }

    /// <summary>An export error about this cell.</summary>
    public AppExportException Error(string message) => new($"{Describe()}: {message}");
}
