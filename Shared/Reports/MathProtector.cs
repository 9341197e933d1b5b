using System.Net;
using System.Text.RegularExpressions;

namespace RnnToolkit.Reports;

/// <summary>
/// Keeps LaTeX out of the markdown renderer, as Jupyter does: math (<c>$...$</c>, <c>$$...$$</c>, <c>\(...\)</c>,
/// <c>\[...\]</c>) outside code is swapped for placeholders before rendering and restored afterwards, HTML-escaped and
/// with its delimiters, inside <c>span.math</c> for KaTeX's auto-render.
/// </summary>
static partial class MathProtector
{
    [GeneratedRegex(@"(?<code>```[\s\S]*?```|~~~[\s\S]*?~~~|`[^`\n]*`)|(?<display>\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\])|(?<inline>\\\([\s\S]+?\\\)|(?<![\\$])\$(?![\s$])[^$\n]*?(?<![\s\\])\$)", RegexOptions.CultureInvariant)]
    private static partial Regex Segments();

    [GeneratedRegex(@"MATHPLACEHOLDER(?<n>\d+)X", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>Replaces math with placeholders; <paramref name="math"/> receives the HTML for each.</summary>
    public static string Protect(string markdown, out List<string> math)
    {
        var found = new List<string>();
        var result = Segments().Replace(markdown, m =>
        {
            if (m.Groups["code"].Success) return m.Value;
            var display = m.Groups["display"].Success;
            found.Add($"<span class=\"math{(display ? " display" : "")}\">{WebUtility.HtmlEncode(m.Value)}</span>");
            return "MATHPLACEHOLDER" + (found.Count - 1) + "X";
        });
        math = found;
        return result;
    }

    /// <summary>Puts the math HTML back in place of the placeholders.</summary>
    public static string Restore(string html, IReadOnlyList<string> math) =>
        math.Count == 0 ? html : Placeholder().Replace(html, m => math[int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)]);
}
