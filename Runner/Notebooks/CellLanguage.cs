using System.Text.Json.Nodes;

namespace RnnToolkit.Runner.Notebooks;

/// <summary>Reads which kernel a cell and a notebook target from Polyglot/Jupyter metadata.</summary>
static class CellLanguage
{
    static readonly HashSet<string> CSharp = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#", ".net-csharp" };

    /// <summary>
    /// The cell's kernel name from <c>polyglot_notebook.kernelName</c> or <c>dotnet_interactive.language</c>;
    /// null when the cell has no kernel metadata (it runs on the default kernel).
    /// </summary>
    public static string? KernelName(JsonObject cell)
    {
        var metadata = cell["metadata"] as JsonObject;
        var name = (metadata?["polyglot_notebook"]?["kernelName"] as JsonValue)?.ToString()
                   ?? (metadata?["dotnet_interactive"]?["language"] as JsonValue)?.ToString();
        return string.IsNullOrWhiteSpace(name) ? null : name;
    }

    /// <summary>True when <paramref name="name"/> names the C# kernel.</summary>
    public static bool IsCSharp(string? name) => name is null || CSharp.Contains(name);

    /// <summary>True when <paramref name="name"/> names a markdown "kernel" (a .dib markdown part).</summary>
    public static bool IsMarkdown(string? name) => string.Equals(name, "markdown", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "md", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The notebook's language when it is declared and not C# (e.g. "python"), otherwise null. A notebook with no
    /// kernel metadata is taken as C#.
    /// </summary>
    public static string? NonCSharpNotebookLanguage(NotebookDocument notebook)
    {
        var metadata = notebook.Metadata;
        var kernelName = (metadata["kernelspec"]?["name"] as JsonValue)?.ToString();
        var language = (metadata["kernelspec"]?["language"] as JsonValue)?.ToString()
                       ?? (metadata["language_info"]?["name"] as JsonValue)?.ToString();
        var defaultKernel = (metadata["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"] as JsonValue)?.ToString();
        if (defaultKernel is not null) return IsCSharp(defaultKernel) ? null : defaultKernel;
        if (kernelName is not null && kernelName.StartsWith(".net-", StringComparison.Ordinal))
            return IsCSharp(kernelName) ? null : kernelName;
        if (language is not null) return IsCSharp(language) ? null : language;
        return kernelName is null ? null : kernelName;
    }
}
