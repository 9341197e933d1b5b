using System.Globalization;
using System.Xml.Linq;
using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Experiments;
using RnnToolkit.Formatting;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

/// <summary>The static SVG images beside the charts' HTML: size, and the traces' points in the right places.</summary>
public class StaticImageTests
{
    public StaticImageTests() => RnnToolkit.Formatters.Register();

    static string Px(int n) => n.ToString(CultureInfo.InvariantCulture);

    static List<XElement> PolylineElements(XElement svg, string rgb, int points) =>
        svg.Descendants().Where(e => e.Name.LocalName == "polyline" && ((string?)e.Attribute("style") ?? "").Contains("stroke:" + rgb, StringComparison.Ordinal)
            && ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == points).ToList();

    static (double X, double Y)[] Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();

    /// <summary>Checks that pixel = a + b·value for all pairs (one linear axis), with b of the given sign.</summary>
    static void AssertAffine(IReadOnlyList<(double Value, double Pixel)> pairs, int sign)
    {
        var (v0, p0) = pairs.MinBy(p => p.Value);
        var (v1, p1) = pairs.MaxBy(p => p.Value);
        Assert.True(v1 > v0);
        double b = (p1 - p0) / (v1 - v0);
        Assert.Equal(sign, Math.Sign(b));
        foreach (var (v, p) in pairs) Assert.Equal(p0 + b * (v - v0), p, 1);
    }

    [Fact]
    public void Generic_chart_svg_has_the_right_size_and_the_trace_points()
    {
        double[] values = [0.0, 1.0, 0.5, 2.0, 1.5];
        var chart = Charts.Lines([("signal", values)], "Signal");
        var svg = Support.Html.Svg(StaticPlot.ToSvg(chart, 640, 300));
        Assert.Equal("640", (string)svg.Attribute("width")!);
        Assert.Equal("300", (string)svg.Attribute("height")!);
        Assert.Equal("0 0 640 300", (string)svg.Attribute("viewBox")!);
        var line = Points(PolylineElements(svg, "rgb(31,119,180)", values.Length).Single());
        // x = index on a linear axis going right; y = value on a linear axis going up (SVG y goes down).
        AssertAffine(line.Select((p, i) => ((double)i, p.X)).ToList(), +1);
        AssertAffine(line.Select((p, i) => (values[i], p.Y)).ToList(), -1);
        Assert.All(line, p => Assert.InRange(p.X, 0, 640));
        Assert.All(line, p => Assert.InRange(p.Y, 0, 300));
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "Signal");

        // The image/svg+xml the formatter offers for the chart has the configured size and the same points.
        Assert.Contains("image/svg+xml", Formatter.GetPreferredMimeTypesFor(chart.GetType()));
        var offered = Support.Html.Svg(chart.ToDisplayString("image/svg+xml"));
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageWidth), (string)offered.Attribute("width")!);
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageHeight), (string)offered.Attribute("height")!);
        var offeredLine = Points(PolylineElements(offered, "rgb(31,119,180)", values.Length).Single());
        AssertAffine(offeredLine.Select((p, i) => (values[i], p.Y)).ToList(), -1);
    }

    internal static ComparisonResult SampleComparison()
    {
        var h1 = new History();
        var h2 = new History();
        for (int e = 0; e < 4; e++)
        {
            h1.Add(e, new Dictionary<string, double> { ["loss"] = 1.0 / (e + 1), ["val_loss"] = 1.5 / (e + 1) });
            h2.Add(e, new Dictionary<string, double> { ["loss"] = 2.0 / (e + 1), ["val_loss"] = 2.5 - 0.3 * e });
        }
        return new ComparisonResult(
            [new ComparisonRow("LSTM", 1234, 0.5, 4, new Dictionary<string, double> { ["loss"] = h1["loss"][^1] }),
             new ComparisonRow("GRU", 999, 0.25, 4, new Dictionary<string, double> { ["loss"] = h2["loss"][^1] })],
            new Dictionary<string, History> { ["LSTM"] = h1, ["GRU"] = h2 });
    }

    [Fact]
    public void Comparison_curves_embed_a_static_image_with_each_variants_curves()
    {
        var result = SampleComparison();
        var doc = Support.Html.Parse(result.ToDisplayString("text/html"));
        var img = doc.QuerySelector("div.rnntk-comparison div.rnntk-chart img.rnntk-static");
        Assert.NotNull(img);
        var svg = Support.Html.EmbeddedSvg(img!);
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageWidth), (string)svg.Attribute("width")!);
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageHeight), (string)svg.Attribute("height")!);
        // LSTM in the first palette colour, GRU in the second: a solid training and a dashed validation curve each.
        var pairs = new List<(double Value, double Pixel)>();
        var xs = new List<(double Value, double Pixel)>();
        foreach (var (name, rgb) in new[] { ("LSTM", "rgb(31,119,180)"), ("GRU", "rgb(255,127,14)") })
        {
            var h = result.Histories[name];
            var lines = PolylineElements(svg, rgb, h.Count);
            Assert.Equal(2, lines.Count);
            var solid = Points(Assert.Single(lines, l => !Support.Html.IsDashed(l)));
            var dashed = Points(Assert.Single(lines, Support.Html.IsDashed));
            pairs.AddRange(solid.Select((p, i) => (h["loss"][i], p.Y)));
            pairs.AddRange(dashed.Select((p, i) => (h["val_loss"][i], p.Y)));
            xs.AddRange(solid.Concat(dashed).Select((p, i) => ((double)(i % h.Count + 1), p.X)));
        }
        // All 16 points on one pair of linear axes: epoch to the right, loss upwards.
        AssertAffine(pairs, -1);
        AssertAffine(xs, +1);
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "Comparison: loss");
    }

    [Fact]
    public void Live_chart_is_offered_as_svg_with_its_panels_and_points()
    {
        var history = ChartTests.SampleHistory();
        var live = new LiveChart(Charts.TrainingCurves(history, includeLearningRate: true));
        Assert.Equal(["text/html", "image/svg+xml"], Formatter.GetPreferredMimeTypesFor(typeof(LiveChart)).ToArray());
        var svg = Support.Html.Svg(live.ToDisplayString("image/svg+xml"));
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageWidth), (string)svg.Attribute("width")!);
        Assert.Equal(Px(RnnToolkit.Formatters.StaticImageHeight), (string)svg.Attribute("height")!);
        // Three panels (loss, mae, lr), each with its training curve of 6 points.
        Assert.Equal(3, svg.Elements().Count(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "panel"));
        var blue = PolylineElements(svg, "rgb(31,119,180)", history.Count).Select(Points).ToList();
        Assert.Equal(3, blue.Count);
        // Left to right: loss, mae, lr (the panels are side by side).
        blue = blue.OrderBy(l => l[0].X).ToList();
        AssertAffine(blue[0].Select((p, i) => (history["loss"][i], p.Y)).ToList(), -1);
        AssertAffine(blue[1].Select((p, i) => (history["mae"][i], p.Y)).ToList(), -1);
        // lr is constant: a flat line.
        Assert.All(blue[2], p => Assert.Equal(blue[2][0].Y, p.Y, 1));
        // The HTML carries the same image embedded.
        var embedded = Support.Html.EmbeddedSvg(Support.Html.Parse(live.ToDisplayString("text/html")).QuerySelector("img.rnntk-static")!);
        Assert.Equal(3, PolylineElements(embedded, "rgb(31,119,180)", history.Count).Count);
    }
}
