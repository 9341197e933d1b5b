using System.Text.RegularExpressions;

namespace RnnToolkit.Runner.Export;

/// <summary>
/// The kernel's line directives in a code cell: <c>#r "nuget: Name[, Version]"</c> becomes a package of the app (the line
/// stays as a comment); any other <c>#r</c>, <c>#i</c> or magic command (<c>#!...</c>) has no app equivalent and is an error.
/// </summary>
static partial class KernelDirectives
{
    [GeneratedRegex(@"^#r\s+""nuget:\s*(?<name>[A-Za-z0-9_.\-]+)\s*(,\s*(?<version>[^""\s]+)\s*)?""\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex NuGetReference();

    /// <summary>The cell's code with its <c>#r "nuget:"</c> lines commented out, and the packages they reference.</summary>
    /// <exception cref="AppExportException">The cell has another kernel directive.</exception>
    public static (string Code, List<PackageDirective> Packages) Extract(NotebookCell cell)
    {
        var packages = new List<PackageDirective>();
        var lines = cell.Source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (NuGetReference().Match(line) is { Success: true } m)
            {
                packages.Add(new PackageDirective(m.Groups["name"].Value, m.Groups["version"].Success ? m.Groups["version"].Value : null));
                lines[i] = $"// {line}   (the app's #:package directive)";
            }
            else if (line.StartsWith("#r", StringComparison.Ordinal) || line.StartsWith("#i", StringComparison.Ordinal) || line.StartsWith("#!", StringComparison.Ordinal))
            {
                throw cell.Error($"line {i + 1} `{line}` is a notebook kernel directive with no file-based app equivalent: expected only `#r \"nuget: Name, Version\"` directives (a package source belongs in a cell tagged `{AppCellRules.LocalFeedTag}`).");
            }
        }
        return (string.Join('\n', lines), packages);
    }
}
