using System.Globalization;
using System.Reflection;
using System.Text;

namespace RnnToolkit.Notebooks;

/// <summary>
/// Rows of values under named columns, for results a notebook shows as a table: the kernel's default formatter folds a
/// list of anonymous objects into "index / value ▶ {...}" rows, while RnnToolkit.Formatters renders a
/// <see cref="Table"/> as an HTML table (numbers right-aligned), and <see cref="ToString"/> writes it as text.
/// Build one with <see cref="TableExtensions.ToTable{T}(IEnumerable{T})"/>.
/// </summary>
[TypeFormatterSource(typeof(ToolkitFormatterSource), FormattedType = typeof(Table))]
public sealed class Table
{
    /// <summary>A table of <paramref name="rows"/> under <paramref name="columns"/>.</summary>
    /// <param name="columns">The column names.</param>
    /// <param name="rows">The rows, each with one value per column.</param>
    public Table(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        for (int i = 0; i < rows.Count; i++)
            if (rows[i].Count != columns.Count)
                throw new ArgumentException($"Row {i} has {rows[i].Count} values; expected one per column ({columns.Count}: {string.Join(", ", columns)}).", nameof(rows));
        Columns = columns;
        Rows = rows;
    }

    /// <summary>The column names.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, one value per column.</summary>
    public IReadOnlyList<IReadOnlyList<object?>> Rows { get; }

    /// <summary>A value as the table shows it: numbers to four significant digits (integers whole), NaN, ∞, text as is.</summary>
    /// <param name="value">The value.</param>
    public static string Cell(object? value) => value switch
    {
        null => "",
        double d => NotebookChecks.Format(d),
        float f => NotebookChecks.Format(f),
        IFormattable n when IsNumber(n) => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Whether a value is a number (right-aligned in the table).</summary>
    /// <param name="value">The value.</param>
    public static bool IsNumber(object? value) =>
        value is sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal;

    /// <summary>The table as aligned text.</summary>
    public override string ToString()
    {
        var cells = Rows.Select(r => r.Select(Cell).ToArray()).ToList();
        var width = Columns.Select((c, j) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[j].Length))).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join("  ", Columns.Select((c, j) => c.PadRight(width[j]))).TrimEnd());
        for (int i = 0; i < Rows.Count; i++)
            sb.AppendLine(string.Join("  ", cells[i].Select((c, j) => IsNumber(Rows[i][j]) ? c.PadLeft(width[j]) : c.PadRight(width[j]))).TrimEnd());
        return sb.ToString();
    }
}

/// <summary>Builds a <see cref="Table"/> from any sequence of objects.</summary>
public static class TableExtensions
{
    /// <summary>
    /// The rows as a <see cref="Table"/> with one column per public property of <typeparamref name="T"/>, in declaration
    /// order (anonymous objects and records included); when <typeparamref name="T"/> has none (a <c>List&lt;object&gt;</c>
    /// of anonymous objects), of the rows' own type, which all rows must share.
    /// </summary>
    /// <param name="rows">The rows.</param>
    public static Table ToTable<T>(this IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.Cast<object?>().ToList();
        var type = typeof(T);
        if (Properties(type).Length == 0 && list.FirstOrDefault(r => r is not null) is { } first)
        {
            type = first.GetType();
            if (list.FirstOrDefault(r => r is not null && r.GetType() != type) is { } other)
                throw new ArgumentException($"The rows are of different types ({type.Name} and {other.GetType().Name}); expected one type, whose properties are the columns.", nameof(rows));
        }
        var properties = Properties(type);
        if (properties.Length == 0)
            throw new ArgumentException($"{type.Name} has no public properties to use as columns; expected objects such as new {{ name = …, value = … }}.", nameof(rows));
        return new Table(
            properties.Select(p => p.Name).ToList(),
            list.Select(r => (IReadOnlyList<object?>)properties.Select(p => r is null ? null : p.GetValue(r)).ToList()).ToList());
    }

    static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
}
