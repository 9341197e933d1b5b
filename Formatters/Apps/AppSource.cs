using RnnToolkit.Reports;

namespace RnnToolkit.Formatting;

/// <summary>One notebook cell as a notebook app's source holds it: its index, kind and text (markdown without the comment marks).</summary>
/// <param name="Index">The cell's index in the notebook.</param>
/// <param name="Kind">Markdown, or code (its statements and any types it declared).</param>
/// <param name="Text">The markdown or the code.</param>
sealed record AppSourceCell(int Index, AppCellKind Kind, string Text);

/// <summary>Reads a notebook app's own source back into cells by their <see cref="AppCellMarker"/> lines, for the report.</summary>
static class AppSource
{
    /// <summary>The running file-based app's source file (<c>dotnet run app.cs</c> sets <c>EntryPointFilePath</c>), or null.</summary>
    public static string? EntryPointFile() =>
        AppContext.GetData("EntryPointFilePath") is string path && File.Exists(path) ? path : null;

    /// <summary>The cells of <paramref name="source"/>, in order; a cell's types are joined to its code.</summary>
    public static IReadOnlyList<AppSourceCell> Cells(string source)
    {
        var cells = new List<AppSourceCell>();
        (int Index, AppCellKind Kind)? current = null;
        var lines = new List<string>();
        void Flush()
        {
            if (current is not { } c) return;
            while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
            var text = string.Join('\n', lines);
            if (c.Kind == AppCellKind.Types)
            {
                var owner = cells.FindIndex(x => x.Index == c.Index && x.Kind == AppCellKind.Code);
                if (owner >= 0) cells[owner] = cells[owner] with { Text = (cells[owner].Text + "\n\n" + text).Trim('\n') };
                else cells.Add(new AppSourceCell(c.Index, AppCellKind.Code, text));
            }
            else
            {
                cells.Add(new AppSourceCell(c.Index, c.Kind, text));
            }
        }
        foreach (var raw in source.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (AppCellMarker.Parse(line) is { } marker)
            {
                Flush();
                current = marker;
                lines.Clear();
                continue;
            }
            if (current is null) continue;
            if (current.Value.Kind == AppCellKind.Markdown) lines.Add(Uncomment(line));
            else if (!AppCellMarker.IsHostCall(line)) lines.Add(line);
        }
        Flush();
        return cells;
    }

    static string Uncomment(string line) =>
        line.StartsWith("// ", StringComparison.Ordinal) ? line[3..] : line.StartsWith("//", StringComparison.Ordinal) ? line[2..] : line;
}
