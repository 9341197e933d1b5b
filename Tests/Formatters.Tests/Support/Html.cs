using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace RnnToolkit.FormatterTests.Support;

/// <summary>Parses formatter output: HTML with AngleSharp, plotly figures out of chart scripts, SVG as XML.</summary>
static partial class Html
{
    public static IDocument Parse(string html) => new HtmlParser().ParseDocument("<html><body>" + html + "</body></html>");

    public static string[] Cells(IElement row) => row.Children.Select(c => c.TextContent.Trim()).ToArray();

    /// <summary>The plotly figures (data and layout JSON) drawn by the chart scripts of a parsed document.</summary>
    public static List<(JsonElement Data, JsonElement Layout)> Figures(IDocument doc)
    {
        var result = new List<(JsonElement, JsonElement)>();
        foreach (var script in doc.QuerySelectorAll("script"))
        {
            var text = script.TextContent;
            if (!text.Contains("Plotly.newPlot", StringComparison.Ordinal)) continue;
            var data = DataLine().Match(text);
            var layout = LayoutLine().Match(text);
            Assert.True(data.Success, "chart script has no data");
            result.Add((JsonDocument.Parse(data.Groups[1].Value).RootElement.Clone(),
                layout.Success ? JsonDocument.Parse(layout.Groups[1].Value).RootElement.Clone() : default));
        }
        return result;
    }

    public static (JsonElement Data, JsonElement Layout) SingleFigure(string html)
    {
        var figures = Figures(Parse(html));
        Assert.Single(figures);
        return figures[0];
    }

    public static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble()).ToArray();

    public static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.ToString()).ToArray();

    public static XElement Svg(string svg)
    {
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        return root;
    }

    /// <summary>The SVG inside an <c>img.rnntk-static</c> (a base64 data URI), parsed.</summary>
    public static XElement EmbeddedSvg(IElement img)
    {
        const string prefix = "data:image/svg+xml;base64,";
        var src = img.GetAttribute("src")!;
        Assert.StartsWith(prefix, src);
        return Svg(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(src[prefix.Length..])));
    }

    /// <summary>Whether a polyline is dashed (OxyPlot writes a stroke-dasharray for dashed lines).</summary>
    public static bool IsDashed(XElement polyline) => ((string?)polyline.Attribute("style") ?? "").Contains("stroke-dasharray", StringComparison.Ordinal);

    /// <summary>The points of the SVG polylines stroked with <paramref name="rgb"/> (e.g. "rgb(31,119,180)") and at least 2 points.</summary>
    public static List<(double X, double Y)[]> Polylines(XElement svg, string rgb) =>
        svg.Descendants().Where(e => e.Name.LocalName == "polyline" && ((string?)e.Attribute("style") ?? "").Contains("stroke:" + rgb, StringComparison.Ordinal))
            .Select(e => ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split(',')).Select(p => (double.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture))).ToArray())
            .ToList();

    [GeneratedRegex(@"var data = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex DataLine();

    [GeneratedRegex(@"var layout = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex LayoutLine();
}
