using System.Collections;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnToolkit.Runner.Papermill;

/// <summary>
/// Writes papermill parameters as C# (<c>// Parameters</c> then <c>var name = value;</c>), as papermill's translator
/// for the <c>.net-csharp</c> kernel does, but so that no value can inject code: every string becomes a regular
/// literal in which quotes, backslashes, control and line-break characters and anything outside printable text are
/// escaped, so it compiles to exactly the given string.
/// </summary>
public static class CSharpParameterTranslator
{
    /// <summary>Returns the source of the injected-parameters cell.</summary>
    /// <param name="parameters">Parameter names (C# identifiers) and values (string, bool, integers, floating point,
    /// null, lists and string-keyed dictionaries of these).</param>
    /// <exception cref="ArgumentException">A name is not a C# identifier or a value has an unsupported type.</exception>
    public static string Translate(IEnumerable<KeyValuePair<string, object?>> parameters)
    {
        var sb = new StringBuilder("// Parameters\n");
        foreach (var (name, value) in parameters)
        {
            var identifier = Identifier(name);
            if (value is null)
                sb.Append("object ").Append(identifier).Append(" = null;\n");
            else
                sb.Append("var ").Append(identifier).Append(" = ").Append(Literal(value)).Append(";\n");
        }
        return sb.ToString();
    }

    /// <summary>The name as a C# identifier (keywords get <c>@</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a valid identifier.</exception>
    public static string Identifier(string name)
    {
        if (string.IsNullOrEmpty(name) || !SyntaxFacts.IsValidIdentifier(name))
            throw new ArgumentException($"Parameter name must be a C# identifier (letters, digits, '_', not starting with a digit); got '{name}'.");
        return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) is SyntaxKind.VarKeyword
            ? "@" + name
            : name;
    }

    /// <summary>The C# expression for one value.</summary>
    /// <exception cref="ArgumentException">The value's type is not supported.</exception>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => StringLiteral(s),
        bool b => b ? "true" : "false",
        int or short or sbyte or byte or ushort => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        long l => l is >= int.MinValue and <= int.MaxValue ? l.ToString(CultureInfo.InvariantCulture) : l.ToString(CultureInfo.InvariantCulture) + "L",
        uint u => ((long)u).ToString(CultureInfo.InvariantCulture) + (u > int.MaxValue ? "L" : ""),
        ulong ul => ul <= long.MaxValue ? Literal((long)ul) : ul.ToString(CultureInfo.InvariantCulture) + "UL",
        double d => DoubleLiteral(d),
        float f => DoubleLiteral(f),
        decimal m => m.ToString(CultureInfo.InvariantCulture) + "m",
        IDictionary dict => DictionaryLiteral(dict),
        IEnumerable list => ListLiteral(list),
        _ => throw new ArgumentException($"Unsupported parameter value type {value.GetType().Name}: expected string, bool, number, null, list or dictionary."),
    };

    /// <summary>A regular C# string literal that evaluates to exactly <paramref name="s"/>.</summary>
    public static string StringLiteral(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (IsSafe(c))
                        sb.Append(c);
                    else
                        sb.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    // Printable ASCII, and non-ASCII letters, digits, punctuation and symbols; never surrogates, controls,
    // format characters or line/paragraph separators (U+0085, U+2028, U+2029 end a line in C#).
    static bool IsSafe(char c)
    {
        if (c >= 0x20 && c < 0x7f) return true;
        if (c < 0xa0 || char.IsSurrogate(c)) return false;
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.ConnectorPunctuation
                or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
                or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation
                or UnicodeCategory.OtherPunctuation or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol
                or UnicodeCategory.ModifierSymbol or UnicodeCategory.OtherSymbol => true,
            _ => false,
        };
    }

    static string DoubleLiteral(double d)
    {
        if (double.IsNaN(d)) return "double.NaN";
        if (double.IsPositiveInfinity(d)) return "double.PositiveInfinity";
        if (double.IsNegativeInfinity(d)) return "double.NegativeInfinity";
        var s = d.ToString("R", CultureInfo.InvariantCulture);
        if (!s.Contains('.') && !s.Contains('E')) s += ".0";
        return s.Contains('E') ? s + "d" : s;
    }

    static string ListLiteral(IEnumerable list)
    {
        var items = list.Cast<object?>().ToList();
        var types = items.Select(i => i?.GetType()).Distinct().ToList();
        var elementType = types.Count == 1 && types[0] is { } t ? t : null;
        var typeName = elementType == typeof(string) ? "string"
            : elementType == typeof(bool) ? "bool"
            : elementType == typeof(double) ? "double"
            : elementType == typeof(long) && items.All(i => (long)i! is >= int.MinValue and <= int.MaxValue) ? "int"
            : elementType == typeof(long) ? "long"
            : elementType == typeof(int) ? "int"
            : "object";
        return "new " + typeName + "[] { " + string.Join(", ", items.Select(Literal)) + " }";
    }

    static string DictionaryLiteral(IDictionary dict)
    {
        var entries = new List<string>();
        foreach (DictionaryEntry entry in dict)
        {
            if (entry.Key is not string key)
                throw new ArgumentException($"Dictionary parameter keys must be strings; got {entry.Key?.GetType().Name ?? "null"}.");
            entries.Add("[" + StringLiteral(key) + "] = " + Literal(entry.Value));
        }
        return "new System.Collections.Generic.Dictionary<string, object> { " + string.Join(", ", entries) + " }";
    }
}
