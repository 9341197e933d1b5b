using System.Collections;
using System.Text;

namespace RnnToolkit.Notebooks;

/// <summary>
/// The result of <see cref="NotebookChecks.Verify"/>: one row per check (name, value, rule, status). RnnToolkit.Formatters
/// renders it as a table; <see cref="ToString"/> is the same table as text.
/// </summary>
[TypeFormatterSource(typeof(ToolkitFormatterSource), FormattedType = typeof(CheckReport))]
public sealed class CheckReport : IReadOnlyList<CheckResult>
{
    readonly IReadOnlyList<CheckResult> rows;

    internal CheckReport(IReadOnlyList<CheckResult> rows) => this.rows = rows;

    /// <summary>The number of checks.</summary>
    public int Count => rows.Count;

    /// <summary>The check at <paramref name="index"/>.</summary>
    /// <param name="index">Its position.</param>
    public CheckResult this[int index] => rows[index];

    /// <summary>Whether no applicable check failed.</summary>
    public bool AllPassed => rows.All(r => r.Passed != false);

    /// <summary>The checks that failed.</summary>
    public IEnumerable<CheckResult> Failures => rows.Where(r => r.Passed == false);

    /// <inheritdoc/>
    public IEnumerator<CheckResult> GetEnumerator() => rows.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The table as text: check, value, expected, status.</summary>
    public override string ToString()
    {
        var value = rows.Select(r => NotebookChecks.Format(r.Value)).ToList();
        int w0 = Math.Max(5, rows.Count == 0 ? 0 : rows.Max(r => r.Check.Length));
        int w1 = Math.Max(5, value.Count == 0 ? 0 : value.Max(v => v.Length));
        int w2 = Math.Max(8, rows.Count == 0 ? 0 : rows.Max(r => r.Expected.Length));
        var sb = new StringBuilder();
        sb.Append("check".PadRight(w0)).Append("  ").Append("value".PadLeft(w1)).Append("  ").Append("expected".PadRight(w2)).AppendLine("  status");
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            sb.Append(r.Check.PadRight(w0)).Append("  ").Append(value[i].PadLeft(w1)).Append("  ").Append(r.Expected.PadRight(w2)).Append("  ").Append(r.Status);
            if (r.Note.Length > 0) sb.Append(" (").Append(r.Note).Append(')');
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
