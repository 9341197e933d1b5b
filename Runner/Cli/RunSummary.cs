using System.Globalization;
using System.Text;

namespace RnnToolkit.Runner.Cli;

/// <summary>One row of the summary printed after a run: notebook, status, time and failing cell.</summary>
sealed record RunSummaryRow(string Notebook, string Status, TimeSpan Time, string FailingCell);

/// <summary>Formats the summary table printed after running notebooks.</summary>
static class RunSummary
{
    /// <summary>The table as text, one row per notebook plus a header and a totals line.</summary>
    public static string Format(IReadOnlyList<RunSummaryRow> rows)
    {
        var header = new[] { "Notebook", "Status", "Time", "Failing cell" };
        var cells = rows.Select(r => new[]
        {
            r.Notebook, r.Status, r.Time.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s", r.FailingCell,
        }).ToList();
        var widths = Enumerable.Range(0, 4).Select(i => Math.Max(header[i].Length, cells.Select(c => c[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var sb = new StringBuilder();
        void Line(string[] values) =>
            sb.Append(string.Join(" | ", values.Select((v, i) => v.PadRight(widths[i]))).TrimEnd()).Append('\n');
        Line(header);
        sb.Append(string.Join("-+-", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in cells) Line(row);
        var passed = rows.Count(r => r.Status == "passed");
        sb.Append(CultureInfo.InvariantCulture, $"{passed}/{rows.Count} notebooks passed\n");
        return sb.ToString();
    }
}
