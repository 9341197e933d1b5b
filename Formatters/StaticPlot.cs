using System.Globalization;
using System.Text;
using System.Text.Json;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using Plotly.NET;

namespace RnnToolkit.Formatting;

/// <summary>
/// Static SVG images of Plotly.NET charts, drawn with OxyPlot (pure managed code, no native dependencies), for places
/// where no JavaScript runs (GitHub, nbviewer, PDF). Understands what the toolkit's charts use: scatter/line traces
/// (with linear or log axes, dashes, gaps) and heatmaps (with token tick labels), in panels by their x/y axes.
/// </summary>
public static class StaticPlot
{
    /// <summary>Arial's metrics size the layout; browsers without Arial fall back to a sans-serif, CJK labels to a CJK font.</summary>
    /// <summary>Pixels between an axis's tick labels and its title (and half of it between legend lines): a browser's fallback font is wider and taller than Arial's metrics.</summary>
    const double TitleDistance = 14;

    internal const string FontStack = "Arial, 'Liberation Sans', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

    /// <summary>The chart as an SVG document of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="width">Width in pixels; <see cref="Formatters.StaticImageWidth"/> when null.</param>
    /// <param name="height">Height in pixels; <see cref="Formatters.StaticImageHeight"/> when null.</param>
    public static string ToSvg(GenericChart chart, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        using var doc = JsonDocument.Parse(GenericChart.toFigureJson(chart));
        return ToSvg(doc.RootElement, width ?? Formatters.StaticImageWidth, height ?? Formatters.StaticImageHeight);
    }

    /// <summary>An XPlot.Plotly chart as an SVG document (its traces and layout read from the plot script it writes).</summary>
    /// <param name="chart">The chart.</param>
    /// <param name="width">Width in pixels; the chart's width when null.</param>
    /// <param name="height">Height in pixels; the chart's height when null.</param>
    public static string ToSvg(XPlot.Plotly.PlotlyChart chart, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var js = chart.GetInlineJS();
        var data = System.Text.RegularExpressions.Regex.Match(js, @"var data = (.*?);\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        var layout = System.Text.RegularExpressions.Regex.Match(js, @"var layout = (.*?);\s*$", System.Text.RegularExpressions.RegexOptions.Multiline);
        string dataJson = data.Success && data.Groups[1].Value.TrimStart().StartsWith('[') ? data.Groups[1].Value : "[]";
        string layoutJson = layout.Success && layout.Groups[1].Value.TrimStart().StartsWith('{') ? layout.Groups[1].Value : "{}";
        using var doc = JsonDocument.Parse("{\"data\":" + dataJson + ",\"layout\":" + layoutJson + "}");
        return ToSvg(doc.RootElement, width ?? chart.Width, height ?? chart.Height);
    }

    /// <summary>A plotly figure (JSON with <c>data</c> and <c>layout</c>) as an SVG document.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static string ToSvg(JsonElement figure, int width, int height)
    {
        var layout = figure.TryGetProperty("layout", out var l) ? l : default;
        var traces = figure.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Array ? d.EnumerateArray().ToList() : [];
        var panels = traces.GroupBy(t => (Str(t, "xaxis") ?? "x", Str(t, "yaxis") ?? "y"))
            .Select(p => (Key: p.Key, Traces: p.ToList())).ToList();
        if (panels.Count == 0) panels.Add((("x", "y"), []));
        int columns = Math.Max(1, layout.ValueKind == JsonValueKind.Object && layout.TryGetProperty("grid", out var g) && g.TryGetProperty("columns", out var c) ? c.GetInt32() : panels.Count);
        columns = Math.Min(columns, Math.Max(1, panels.Count));
        int rows = (panels.Count + columns - 1) / columns;
        string? title = layout.ValueKind == JsonValueKind.Object ? Title(layout) : null;
        int top = string.IsNullOrEmpty(title) ? 0 : 28;
        double pw = (double)width / columns, ph = (double)(height - top) / Math.Max(1, rows);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        if (!string.IsNullOrEmpty(title))
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{width / 2}\" y=\"20\" text-anchor=\"middle\" font-family=\"{FontStack}\" font-size=\"16\">{System.Net.WebUtility.HtmlEncode(title)}</text>\n");
        for (int i = 0; i < panels.Count; i++)
        {
            var (xa, ya) = panels[i].Key;
            var model = Panel(panels[i].Traces, layout, xa, ya);
            var inner = SvgExporter.ExportToString(model, pw, ph, false, new SafeTextMeasurer(pw, ph));
            double x = (i % columns) * pw, y = top + (i / columns) * ph;
            sb.Append(CultureInfo.InvariantCulture, $"<g class=\"panel\" transform=\"translate({x:0.##},{y:0.##})\">\n").Append(Prefix(StripSvgRoot(inner), $"p{i}-")).Append("\n</g>\n");
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    static PlotModel Panel(List<JsonElement> traces, JsonElement layout, string xa, string ya)
    {
        var model = new PlotModel { DefaultFont = FontStack, Background = OxyColors.White, PlotAreaBorderColor = OxyColor.FromRgb(0xcc, 0xcc, 0xcc) };
        var xLayout = AxisLayout(layout, "xaxis" + xa[1..]);
        var yLayout = AxisLayout(layout, "yaxis" + ya[1..]);
        bool heat = traces.Any(t => Str(t, "type") == "heatmap");
        if (heat)
        {
            var t = traces.First(t => Str(t, "type") == "heatmap");
            var z = t.GetProperty("z").EnumerateArray().Select(r => r.EnumerateArray().Select(Num).ToArray()).ToArray();
            int rowsN = z.Length, colsN = rowsN == 0 ? 0 : z[0].Length;
            var data = new double[colsN, rowsN];
            for (int r = 0; r < rowsN; r++) for (int cI = 0; cI < colsN; cI++) data[cI, r] = z[r][cI];
            var xTicks = Ticks(xLayout, colsN);
            var yTicks = Ticks(yLayout, rowsN);
            model.Axes.Add(new CategoryAxis { Position = AxisPosition.Bottom, Key = "x", Title = AxisTitle(xLayout), ItemsSource = xTicks, Angle = colsN > 8 ? -45 : 0 });
            var yAxis = new CategoryAxis { Position = AxisPosition.Left, Key = "y", Title = AxisTitle(yLayout), StartPosition = 1, EndPosition = 0 };
            yAxis.Labels.AddRange(yTicks);
            model.Axes.Add(yAxis);
            double zmin = t.TryGetProperty("zmin", out var a) ? a.GetDouble() : data.Cast<double>().Min();
            double zmax = t.TryGetProperty("zmax", out var b) ? b.GetDouble() : data.Cast<double>().Max();
            model.Axes.Add(new LinearColorAxis { Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Minimum = zmin, Maximum = zmax > zmin ? zmax : zmin + 1, IsAxisVisible = t.TryGetProperty("showscale", out var ss) && ss.ValueKind == JsonValueKind.True });
            model.Series.Add(new HeatMapSeries
            {
                X0 = 0, X1 = colsN - 1, Y0 = 0, Y1 = rowsN - 1, Data = data,
                RenderMethod = HeatMapRenderMethod.Rectangles, Interpolate = false, CoordinateDefinition = HeatMapCoordinateDefinition.Center,
                XAxisKey = "x", YAxisKey = "y",
            });
            return model;
        }
        var xAxis = new LinearAxis { Position = AxisPosition.Bottom, Title = AxisTitle(xLayout), AxisTitleDistance = TitleDistance, MajorGridlineStyle = LineStyle.Solid, MajorGridlineColor = OxyColor.FromRgb(0xee, 0xee, 0xee) };
        Axis yAx = Str(yLayout, "type") == "log" ? new LogarithmicAxis() : new LinearAxis();
        yAx.Position = AxisPosition.Left;
        yAx.Title = AxisTitle(yLayout);
        yAx.AxisTitleDistance = TitleDistance;
        yAx.MajorGridlineStyle = LineStyle.Solid;
        yAx.MajorGridlineColor = OxyColor.FromRgb(0xee, 0xee, 0xee);
        model.Axes.Add(xAxis);
        model.Axes.Add(yAx);
        bool log = yAx is LogarithmicAxis;
        foreach (var t in traces)
        {
            if (!(Str(t, "type") is null or "scatter" or "scattergl")) continue;
            var ys = t.TryGetProperty("y", out var yv) && yv.ValueKind == JsonValueKind.Array ? yv.EnumerateArray().Select(Num).ToArray() : [];
            var xs = t.TryGetProperty("x", out var xv) && xv.ValueKind == JsonValueKind.Array ? xv.EnumerateArray().Select(Num).ToArray() : Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray();
            var s = new LineSeries { Title = Str(t, "name"), StrokeThickness = 2, CanTrackerInterpolatePoints = false };
            var color = Color(t, "line") ?? Color(t, "marker");
            if (color is { } col) { s.Color = col; s.MarkerFill = col; }
            if (t.TryGetProperty("line", out var line) && Str(line, "dash") is "dash" or "dot" or "dashdot") s.LineStyle = LineStyle.Dash;
            var mode = Str(t, "mode") ?? "lines";
            if (mode.Contains("markers", StringComparison.Ordinal)) { s.MarkerType = MarkerType.Circle; s.MarkerSize = 3; }
            if (!mode.Contains("lines", StringComparison.Ordinal)) s.StrokeThickness = 0;
            for (int i = 0; i < Math.Min(xs.Length, ys.Length); i++)
                s.Points.Add(double.IsFinite(ys[i]) && (!log || ys[i] > 0) ? new DataPoint(xs[i], ys[i]) : DataPoint.Undefined);
            model.Series.Add(s);
        }
        if (model.Series.Count > 1)
            model.Legends.Add(new Legend { LegendLineSpacing = TitleDistance / 2, LegendPosition = LegendPosition.TopRight, LegendPlacement = LegendPlacement.Inside, LegendBackground = OxyColor.FromAColor(200, OxyColors.White) });
        return model;
    }

    /// <summary>Makes the ids of one panel's clip paths unique within the composed document.</summary>
    static string Prefix(string svg, string prefix) =>
        svg.Replace("id=\"", "id=\"" + prefix, StringComparison.Ordinal).Replace("url(#", "url(#" + prefix, StringComparison.Ordinal);

    static string StripSvgRoot(string svg)
    {
        int start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start < 0) return svg;
        int open = svg.IndexOf('>', start);
        int close = svg.LastIndexOf("</svg>", StringComparison.Ordinal);
        return close > open ? svg[(open + 1)..close] : svg;
    }

    static JsonElement AxisLayout(JsonElement layout, string key) =>
        layout.ValueKind == JsonValueKind.Object && layout.TryGetProperty(key, out var a) ? a : default;

    static string? AxisTitle(JsonElement axis) => axis.ValueKind == JsonValueKind.Object ? Title(axis) : null;

    static string? Title(JsonElement e) => e.TryGetProperty("title", out var t)
        ? t.ValueKind == JsonValueKind.String ? t.GetString() : Str(t, "text")
        : null;

    static List<string> Ticks(JsonElement axis, int n)
    {
        if (axis.ValueKind == JsonValueKind.Object && axis.TryGetProperty("ticktext", out var tt) && tt.ValueKind == JsonValueKind.Array)
        {
            var list = tt.EnumerateArray().Select(x => x.ToString()).ToList();
            if (list.Count == n) return list;
        }
        return Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
    }

    static OxyColor? Color(JsonElement t, string prop)
    {
        if (t.TryGetProperty(prop, out var o) && o.ValueKind == JsonValueKind.Object && Str(o, "color") is { } c && c.StartsWith('#') && c.Length == 7)
            return OxyColor.Parse(c);
        return null;
    }

    static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    static double Num(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => double.NaN,
    };
}
