using System.Globalization;
using System.Text.RegularExpressions;

namespace RnnToolkit.Reports;

/// <summary>What a marked region of a notebook app holds: a markdown cell, a code cell, or the types a code cell declared.</summary>
enum AppCellKind
{
    /// <summary>A markdown cell, as <c>//</c> comment lines.</summary>
    Markdown,

    /// <summary>A code cell's statements.</summary>
    Code,

    /// <summary>Type declarations of a code cell, moved after the top-level statements (C# requires them there).</summary>
    Types,
}

/// <summary>
/// The comment line that starts each notebook cell in an app exported from a notebook (<c>// ==== cell 3: code ====</c>):
/// the exporter writes it, and the app's host reads the app's own source by it to put each cell's markdown, code and
/// outputs into the HTML report in notebook order.
/// </summary>
static partial class AppCellMarker
{
    [GeneratedRegex(@"^// ==== cell (?<index>\d+): (?<kind>markdown|code|types) ====$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    /// <summary>The marker line of cell <paramref name="index"/> (the notebook's cell index, from 0).</summary>
    public static string Line(int index, AppCellKind kind) =>
        string.Create(CultureInfo.InvariantCulture, $"// ==== cell {index}: {kind.ToString().ToLowerInvariant()} ====");

    /// <summary>The cell index and kind of a marker line, or null for any other line.</summary>
    public static (int Index, AppCellKind Kind)? Parse(string line)
    {
        var match = Pattern().Match(line.TrimEnd('\r'));
        if (!match.Success) return null;
        var kind = match.Groups["kind"].Value switch { "markdown" => AppCellKind.Markdown, "code" => AppCellKind.Code, _ => AppCellKind.Types };
        return (int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture), kind);
    }

    /// <summary>The statement that opens code cell <paramref name="index"/> in the app (the host starts collecting its outputs).</summary>
    public static string CellCall(int index) => string.Create(CultureInfo.InvariantCulture, $"Notebook.Cell({index});");

    /// <summary>The statement that ends the app (after the last cell): the host marks the run passed and writes the report.</summary>
    public const string FinishCall = "Notebook.Finish();";

    /// <summary>True for the statements <see cref="CellCall"/> and <see cref="FinishCall"/> write (left out of the report's code).</summary>
    public static bool IsHostCall(string line) =>
        line == FinishCall || line.StartsWith("Notebook.Cell(", StringComparison.Ordinal) && line.TrimEnd().EndsWith(");", StringComparison.Ordinal);
}
