using System.Reflection;
using System.Text.RegularExpressions;

namespace RnnToolkit.Reports;

/// <summary>KaTeX (embedded in the assembly that compiles this file) as inline script and CSS with fonts as data URIs: LaTeX renders offline.</summary>
static partial class KatexAssets
{
    static readonly Lazy<string> CssLazy = new(BuildCss);

    [GeneratedRegex("""url\(fonts/(?<name>[^)]+)\.woff2\) format\("woff2"\)(,url\(fonts/[^)]+\) format\("[^"]+"\))*""", RegexOptions.CultureInvariant)]
    private static partial Regex FontSources();

    /// <summary>katex.min.js followed by the auto-render extension.</summary>
    public static string Script => Read("katex/katex.min.js") + "\n" + Read("katex/auto-render.min.js");

    /// <summary>katex.min.css with every font embedded as a woff2 data URI.</summary>
    public static string Css => CssLazy.Value;

    static string BuildCss() =>
        FontSources().Replace(Read("katex/katex.min.css"), m =>
            "url(data:font/woff2;base64," + Convert.ToBase64String(ReadBytes("katex/fonts/" + m.Groups["name"].Value + ".woff2")) + ") format(\"woff2\")");

    static string Read(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    static byte[] ReadBytes(string name)
    {
        using var stream = Open(name);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    static Stream Open(string name) =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"Embedded resource '{name}' is missing from the assembly.");
}
