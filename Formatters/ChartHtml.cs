using System.Globalization;
using System.Text;
using Microsoft.FSharp.Core;
using Plotly.NET;

namespace RnnToolkit.Formatting;

/// <summary>
/// The text/html of Plotly.NET and XPlot charts in notebooks. Loads plotly.js as <see cref="Formatters.PlotlyJs"/> says
/// (require.js + CDN by default, as Plotly.NET.Interactive does; or inlined for offline use) and, when
/// <see cref="Formatters.EmbedStaticImage"/> is on, carries a static SVG of the chart that shows where no JavaScript
/// runs (GitHub, nbviewer) and is removed once plotly.js has drawn.
/// </summary>
public static class ChartHtml
{
    /// <summary>The plotly.js version Plotly.NET embeds (and the CDN modes load).</summary>
    public static string PlotlyJsVersion => Globals.PLOTLYJS_VERSION;

    /// <summary>The CDN address of that plotly.js (without <c>.js</c>, as require.js wants it).</summary>
    public static string CdnPath => $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min";

    /// <summary>The chart's HTML fragment (a <c>div</c>), with plotly.js loaded as <paramref name="mode"/> says.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="mode">How to load plotly.js; <see cref="Formatters.PlotlyJs"/> when null.</param>
    /// <param name="staticImage">Embed the static SVG fallback; <see cref="Formatters.EmbedStaticImage"/> when null.</param>
    public static string ToHtml(GenericChart chart, PlotlyJsMode? mode = null, bool? staticImage = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var reference = (mode ?? Formatters.PlotlyJs) switch
        {
            PlotlyJsMode.Inline or PlotlyJsMode.PageLoaded => PlotlyJSReference.Full,
            PlotlyJsMode.Cdn => PlotlyJSReference.NewCDN(CdnPath + ".js"),
            _ => PlotlyJSReference.NewRequire(CdnPath),
        };
        var withRef = GenericChart.addDisplayOptions(DisplayOptions.init(null, null, null, null, null, null, FSharpOption<PlotlyJSReference>.Some(reference)), chart);
        var chartHtml = GenericChart.toChartHTML(withRef);
        // Plotly.NET puts the full plotly.js only into whole documents (toEmbeddedHTML); a fragment carries it itself.
        if ((mode ?? Formatters.PlotlyJs) == PlotlyJsMode.Inline)
            chartHtml = InlinePlotlyJsScript() + "\n" + chartHtml;
        else if ((mode ?? Formatters.PlotlyJs) == PlotlyJsMode.Cdn)
            chartHtml = "<script src=\"" + CdnPath + ".js\"></script>\n" + chartHtml;
        string? svg = null;
        if (staticImage ?? Formatters.EmbedStaticImage)
        {
            try { svg = StaticPlot.ToSvg(chart); }
            catch (Exception e) when (e is not OutOfMemoryException) { svg = null; }
        }
        return Wrap(chartHtml, svg);
    }

    /// <summary>The HTML fragment of an XPlot.Plotly chart, with plotly.js loaded as <paramref name="mode"/> says.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="mode">How to load plotly.js; <see cref="Formatters.PlotlyJs"/> when null.</param>
    /// <param name="staticImage">Embed the static SVG fallback; <see cref="Formatters.EmbedStaticImage"/> when null.</param>
    public static string ToHtml(XPlot.Plotly.PlotlyChart chart, PlotlyJsMode? mode = null, bool? staticImage = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var id = chart.Id;
        var js = StripScriptTags(chart.GetInlineJS());
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<div id=\"{id}\" style=\"width: {chart.Width}px; height: {chart.Height}px;\"></div>\n");
        switch (mode ?? Formatters.PlotlyJs)
        {
            case PlotlyJsMode.Inline:
                sb.Append(InlinePlotlyJsScript()).Append('\n');
                sb.Append("<script type=\"text/javascript\">\n").Append(js).Append("\n</script>");
                break;
            case PlotlyJsMode.PageLoaded:
                sb.Append("<script type=\"text/javascript\">\n").Append(js).Append("\n</script>");
                break;
            case PlotlyJsMode.Cdn:
                sb.Append(CultureInfo.InvariantCulture, $"<script src=\"{CdnPath}.js\"></script>\n");
                sb.Append("<script type=\"text/javascript\">\n").Append(js).Append("\n</script>");
                break;
            default:
                sb.Append("<script type=\"text/javascript\">\n");
                sb.Append("var renderXPlot_").Append(id.Replace('-', '_')).Append(" = function() {\n");
                sb.Append(CultureInfo.InvariantCulture, $"  var xplotRequire = requirejs.config({{context:'xplot-plotly',paths:{{plotly:'{CdnPath}'}}}}) || require;\n");
                sb.Append("  xplotRequire(['plotly'], function(Plotly) {\n").Append(js).Append("\n  });\n};\n");
                sb.Append("if ((typeof(requirejs) !== typeof(Function)) || (typeof(requirejs.config) !== typeof(Function))) {\n");
                sb.Append("  var script = document.createElement('script');\n");
                sb.Append("  script.setAttribute('src', 'https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js');\n");
                sb.Append("  script.onload = function() { renderXPlot_").Append(id.Replace('-', '_')).Append("(); };\n");
                sb.Append("  document.getElementsByTagName('head')[0].appendChild(script);\n");
                sb.Append("} else { renderXPlot_").Append(id.Replace('-', '_')).Append("(); }\n</script>");
                break;
        }
        string? svg = null;
        if (staticImage ?? Formatters.EmbedStaticImage)
        {
            try { svg = StaticPlot.ToSvg(chart); }
            catch (Exception e) when (e is not OutOfMemoryException) { svg = null; }
        }
        return Wrap(sb.ToString(), svg);
    }

    /// <summary>Writes <see cref="ToHtml(GenericChart, PlotlyJsMode?, bool?)"/> with the global settings.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="writer">Where to write.</param>
    public static void Write(GenericChart chart, TextWriter writer) => writer.Write(ToHtml(chart));

    /// <summary>Writes <see cref="ToHtml(XPlot.Plotly.PlotlyChart, PlotlyJsMode?, bool?)"/> with the global settings.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="writer">Where to write.</param>
    public static void Write(XPlot.Plotly.PlotlyChart chart, TextWriter writer) => writer.Write(ToHtml(chart));

    /// <summary>A whole HTML page holding <paramref name="fragments"/> (for reports and browser checks).</summary>
    /// <param name="title">The page title.</param>
    /// <param name="fragments">HTML fragments, e.g. from <see cref="ToHtml(GenericChart, PlotlyJsMode?, bool?)"/>.</param>
    public static string Page(string title, params string[] fragments) =>
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + System.Net.WebUtility.HtmlEncode(title) + "</title></head>\n<body>\n"
        + string.Join("\n", fragments) + "\n</body></html>\n";

    static string? inlineJs;

    /// <summary>A <c>script</c> element holding the plotly.js Plotly.NET embeds (for a page of
    /// <see cref="PlotlyJsMode.PageLoaded"/> charts).</summary>
    public static string InlinePlotlyJsScript() => "<script type=\"text/javascript\">" + InlinePlotlyJs() + "</script>";

    /// <summary>The plotly.js source Plotly.NET embeds.</summary>
    public static string InlinePlotlyJs()
    {
        if (inlineJs is not null) return inlineJs;
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames().FirstOrDefault(n => n.Contains("plotly", StringComparison.OrdinalIgnoreCase) && n.EndsWith(".js", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException("Plotly.NET carries no embedded plotly.js.");
        using var s = asm.GetManifestResourceStream(name)!;
        using var r = new StreamReader(s);
        return inlineJs = r.ReadToEnd();
    }

    static string StripScriptTags(string js)
    {
        var t = js.Trim();
        if (t.StartsWith("<script", StringComparison.OrdinalIgnoreCase)) t = t[(t.IndexOf('>') + 1)..];
        if (t.EndsWith("</script>", StringComparison.OrdinalIgnoreCase)) t = t[..^"</script>".Length];
        return t;
    }

    static string Wrap(string chartHtml, string? svg)
    {
        var id = "rnntk-" + Guid.NewGuid().ToString("N");
        var sb = new StringBuilder();
        sb.Append("<div class=\"rnntk-chart\" id=\"").Append(id).Append("\">\n");
        if (svg is not null)
        {
            sb.Append("<img class=\"rnntk-static\" alt=\"chart\" src=\"data:image/svg+xml;base64,")
              .Append(Convert.ToBase64String(Encoding.UTF8.GetBytes(svg))).Append("\" />\n");
        }
        sb.Append(chartHtml).Append('\n');
        if (svg is not null)
        {
            // Where scripts run, drop the static copy as soon as plotly.js has drawn (poll for up to a minute).
            sb.Append("<script type=\"text/javascript\">(function(){var n=0,c=document.getElementById('").Append(id)
              .Append("');var t=setInterval(function(){n++;if(c&&c.querySelector('.main-svg')){var i=c.querySelector('img.rnntk-static');if(i)i.remove();clearInterval(t);}else if(n>600){clearInterval(t);}},100);})();</script>\n");
        }
        sb.Append("</div>");
        return sb.ToString();
    }
}
