using System.Text.Json;
using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Experiments;
using RnnToolkit.Formatting;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

public class ChartTests
{
    public ChartTests() => RnnToolkit.Formatters.Register();

    internal static History SampleHistory(int epochs = 6)
    {
        var h = new History();
        for (int e = 0; e < epochs; e++)
            h.Add(e, new Dictionary<string, double> { ["loss"] = 1.0 / (e + 1), ["mae"] = 0.5 / (e + 1), ["val_loss"] = 1.2 / (e + 1), ["val_mae"] = 0.7 / (e + 1), ["lr"] = 0.01 });
        return h;
    }

    internal static AttentionMap SampleAttention()
    {
        var w = softmax(arange(24, dtype: ScalarType.Float32).reshape(1, 2, 3, 4) * 0.3f, -1);
        return new AttentionMap(w, ["je", "suis", "là"], ["I", "am", "here", "<eos>"]);
    }

    [Fact]
    public void History_renders_training_curves_with_train_and_validation_traces()
    {
        var h = SampleHistory();
        var (data, layout) = Support.Html.SingleFigure(h.ToDisplayString("text/html"));
        var traces = data.EnumerateArray().ToList();
        Assert.Equal(["loss", "val_loss", "mae", "val_mae"], traces.Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([1, 2, 3, 4, 5, 6], Support.Html.Doubles(traces[0].GetProperty("x")));
        Assert.Equal(h["loss"].ToArray(), Support.Html.Doubles(traces[0].GetProperty("y")));
        Assert.Equal(h["val_mae"].ToArray(), Support.Html.Doubles(traces[3].GetProperty("y")));
        Assert.Equal(["x", "x", "x2", "x2"], traces.Select(t => t.GetProperty("xaxis").GetString()!).ToArray());
        Assert.Equal(2, layout.GetProperty("grid").GetProperty("columns").GetInt32());
        Assert.Equal("mae", layout.GetProperty("yaxis2").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal(880, layout.GetProperty("width").GetInt32());
    }

    [Fact]
    public void Chart_html_loads_plotly_through_require_by_default()
    {
        // The setting's real default, through the registered formatter and through ToHtml with no mode.
        Assert.Equal(PlotlyJsMode.RequireCdn, RnnToolkit.Formatters.PlotlyJs);
        var html = SampleHistory().ToDisplayString("text/html");
        var noMode = Support.Html.Parse(ChartHtml.ToHtml(Charts.TrainingCurves(SampleHistory())));
        Assert.Contains(noMode.QuerySelectorAll("script"), s => s.TextContent.Contains("requirejs.config", StringComparison.Ordinal) && s.TextContent.Contains("Plotly.newPlot", StringComparison.Ordinal));
        Assert.Empty(noMode.QuerySelectorAll("script[src]"));
        var doc = Support.Html.Parse(html);
        var script = doc.QuerySelectorAll("script").Select(s => s.TextContent).Single(s => s.Contains("Plotly.newPlot", StringComparison.Ordinal));
        Assert.Contains($"paths:{{plotly:'https://cdn.plot.ly/plotly-{ChartHtml.PlotlyJsVersion}.min'}}", script);
        Assert.Contains("requirejs", script);
        Assert.NotNull(doc.QuerySelector("img.rnntk-static"));
        Assert.True(html.Length < 200_000);
    }

    [Fact]
    public void Inline_mode_embeds_plotly_js()
    {
        var html = ChartHtml.ToHtml(Charts.TrainingCurves(SampleHistory()), PlotlyJsMode.Inline, staticImage: false);
        var doc = Support.Html.Parse(html);
        Assert.Contains(doc.QuerySelectorAll("script"), s => s.TextContent.Length > 1_000_000 && s.TextContent.Contains("plotly.js v" + ChartHtml.PlotlyJsVersion, StringComparison.Ordinal));
        Assert.DoesNotContain("requirejs.config", html);
        Assert.Null(doc.QuerySelector("img.rnntk-static"));
        var cdn = ChartHtml.ToHtml(Charts.TrainingCurves(SampleHistory()), PlotlyJsMode.Cdn);
        Assert.Contains(Support.Html.Parse(cdn).QuerySelectorAll("script[src]"), s => s.GetAttribute("src") == ChartHtml.CdnPath + ".js");
    }

    [Fact]
    public void Xplot_inline_mode_embeds_plotly_js_and_the_traces()
    {
        var xplot = XPlot.Plotly.Chart.Plot(new[]
        {
            new XPlot.Plotly.Scatter { x = new[] { 1, 2, 3 }, y = new[] { 4.0, 5.0, 6.5 }, name = "up" },
            new XPlot.Plotly.Scatter { x = new[] { 1, 2, 3 }, y = new[] { 3.0, 2.0, 0.5 }, name = "down" },
        });
        var html = ChartHtml.ToHtml(xplot, PlotlyJsMode.Inline, staticImage: true);
        var doc = Support.Html.Parse(html);
        var scripts = doc.QuerySelectorAll("script").ToList();
        // plotly.js itself, inline (no src, no require.js, no CDN), before the plot script.
        Assert.Empty(doc.QuerySelectorAll("script[src]"));
        int lib = scripts.FindIndex(s => s.TextContent.Length > 1_000_000 && s.TextContent.Contains("plotly.js v" + ChartHtml.PlotlyJsVersion, StringComparison.Ordinal));
        Assert.True(lib >= 0, "no inline plotly.js");
        Assert.Equal(ChartHtml.InlinePlotlyJs(), scripts[lib].TextContent);
        var own = scripts.Where((s, i) => i != lib).Select(s => s.TextContent).ToList();
        Assert.All(own, s => Assert.DoesNotContain("require", s, StringComparison.Ordinal));
        Assert.All(own, s => Assert.DoesNotContain("cdn", s, StringComparison.OrdinalIgnoreCase));
        int plot = scripts.FindIndex(s => s.TextContent.Contains("Plotly.newPlot", StringComparison.Ordinal) && s.TextContent.Length < 100_000);
        Assert.True(plot > lib, "the plot script runs after plotly.js is defined");
        // The plot script draws into the chart's div, with both traces.
        Assert.NotNull(doc.GetElementById(xplot.Id));
        Assert.Contains($"'{xplot.Id}'", scripts[plot].TextContent);
        var plotDoc = Support.Html.Parse("<script>" + scripts[plot].TextContent + "</script>");
        var (data, _) = Support.Html.Figures(plotDoc).Single();
        Assert.Equal(["up", "down"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([1.0, 2, 3], Support.Html.Doubles(data[0].GetProperty("x")));
        Assert.Equal([4.0, 5.0, 6.5], Support.Html.Doubles(data[0].GetProperty("y")));
        Assert.Equal([3.0, 2.0, 0.5], Support.Html.Doubles(data[1].GetProperty("y")));
        // The static fallback is still there, with both lines.
        var svg = Support.Html.EmbeddedSvg(doc.QuerySelector("img.rnntk-static")!);
        Assert.Equal(2, svg.Descendants().Count(e => e.Name.LocalName == "polyline" && ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 3
            && !((string?)e.Attribute("style") ?? "").Contains("stroke:black", StringComparison.Ordinal)));
    }

    [Fact]
    public void Seq2seq_alignment_has_target_tokens_on_rows_and_source_tokens_on_columns()
    {
        // A tiny untrained Bahdanau Seq2Seq (as notebook 004 builds it), its weights as notebook 004 takes them.
        random.manual_seed(7);
        using var model = new RnnToolkit.Models.Seq2Seq(12, 9, 4, 6, RnnToolkit.Models.Seq2SeqCell.Gru, RnnToolkit.Models.Seq2SeqAttention.Bahdanau);
        model.eval();
        using var source = tensor(new long[] { 3, 4, 5, 6, 7, 8, 9, 10, 11, 3 }, [2, 5]);
        using var decoderInput = tensor(new long[] { 1, 2, 3, 1, 4, 5 }, [2, 3]);
        Tensor weights;
        using (no_grad()) weights = model.Run(source, decoderInput).Weights!;
        Assert.Equal([2L, 3, 5], weights.shape);
        string[] src = ["2", "0", "-", "0", "7"];
        string[] tgt = ["J", "u", "<eos>"];

        foreach (var b in new[] { 0, 1 })
        {
            var map = AttentionMap.Alignment(weights, src, tgt) with { BatchIndex = b };
            var (data, layout) = Support.Html.SingleFigure(map.ToDisplayString("text/html"));
            var trace = data.EnumerateArray().Single();
            var z = trace.GetProperty("z").EnumerateArray().Select(Support.Html.Doubles).ToArray();
            // Rows: one per output step; columns: one per source token; every cell is that weight.
            Assert.Equal(tgt.Length, z.Length);
            Assert.All(z, row => Assert.Equal(src.Length, row.Length));
            using var expected = weights[b].to_type(ScalarType.Float64);
            for (int t = 0; t < tgt.Length; t++)
            {
                for (int s = 0; s < src.Length; s++) Assert.Equal(expected[t, s].ToDouble(), z[t][s], 12);
                // Each row is one step's distribution over the source.
                Assert.Equal(1.0, z[t].Sum(), 5);
            }
            Assert.Equal(Enumerable.Range(0, src.Length).Select(i => (double)i).ToArray(), Support.Html.Doubles(trace.GetProperty("x")));
            Assert.Equal(Enumerable.Range(0, tgt.Length).Select(i => (double)i).ToArray(), Support.Html.Doubles(trace.GetProperty("y")));
            Assert.Equal(src, Support.Html.Strings(layout.GetProperty("xaxis").GetProperty("ticktext")));
            Assert.Equal(tgt, Support.Html.Strings(layout.GetProperty("yaxis").GetProperty("ticktext")));
            Assert.Equal("source", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
            Assert.Equal("target", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
            // The first output step is the top row, as in the attention heatmaps.
            Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
            Assert.False(layout.GetProperty("xaxis").TryGetProperty("autorange", out _));
            // Hover names the target token first, then the source token, of the same cell.
            var custom = trace.GetProperty("customdata");
            Assert.Equal([tgt[2], src[4]], Support.Html.Strings(custom[2][4]));
            Assert.StartsWith("target ", trace.GetProperty("hovertemplate").GetString());
        }
        // The heatmap convention is the same one: queries on rows, keys on columns.
        var attention = new AttentionMap(weights, tgt, src);
        Assert.Equal(AttentionMap.Alignment(weights, src, tgt).Matrices(), attention.Matrices());
        // Its static SVG labels the rows with the target tokens and the columns with the source tokens.
        var svg = Support.Html.Svg(AttentionMap.Alignment(weights, src, tgt).ToDisplayString("image/svg+xml"));
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("<eos>", texts);
        Assert.Contains("source", texts);
        Assert.Contains("target", texts);
    }

    [Fact]
    public void Static_svg_has_the_right_size_and_the_curve_points()
    {
        var h = SampleHistory();
        var svg = Support.Html.Svg(StaticPlot.ToSvg(Charts.TrainingCurves(h), 800, 360));
        Assert.Equal("800", (string)svg.Attribute("width")!);
        Assert.Equal("360", (string)svg.Attribute("height")!);
        // Train curves (blue): loss in the left panel, mae in the right one, 6 points each; legend swatches have 2.
        var blue = Support.Html.Polylines(svg, "rgb(31,119,180)").Where(p => p.Length == 6).ToList();
        Assert.Equal(2, blue.Count);
        foreach (var line in blue)
        {
            // Epochs go right, the loss goes down: x increases and SVG y (downward) increases.
            for (int i = 1; i < line.Length; i++) { Assert.True(line[i].X > line[i - 1].X); Assert.True(line[i].Y > line[i - 1].Y); }
            // Equal epoch spacing.
            Assert.Equal(line[1].X - line[0].X, line[5].X - line[4].X, 2);
        }
        // loss(1) - loss(2) = 0.5 and loss(2) - loss(4) = 0.25 on a linear axis: pixel drops in ratio 2.
        var loss = blue[0];
        Assert.Equal(2.0, (loss[1].Y - loss[0].Y) / (loss[3].Y - loss[1].Y), 2);
        Assert.Equal(2, Support.Html.Polylines(svg, "rgb(255,127,14)").Count(p => p.Length == 6));
        // The SVG mime type is offered beside the HTML and holds the same picture.
        Assert.Contains("image/svg+xml", Formatter.GetPreferredMimeTypesFor(typeof(History)));
        Assert.Equal(4, Support.Html.Polylines(Support.Html.Svg(h.ToDisplayString("image/svg+xml")), "rgb(31,119,180)").Count(p => p.Length == 6) + 2);
    }

    [Fact]
    public void Embedded_static_image_decodes_to_the_svg()
    {
        var doc = Support.Html.Parse(SampleHistory().ToDisplayString("text/html"));
        var src = doc.QuerySelector("img.rnntk-static")!.GetAttribute("src")!;
        Assert.StartsWith("data:image/svg+xml;base64,", src);
        var svg = Support.Html.Svg(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(src["data:image/svg+xml;base64,".Length..])));
        Assert.Equal(RnnToolkit.Formatters.StaticImageWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)svg.Attribute("width")!);
    }

    [Fact]
    public void Attention_map_is_one_heatmap_per_head_with_token_axes()
    {
        var map = SampleAttention();
        var (data, layout) = Support.Html.SingleFigure(map.ToDisplayString("text/html"));
        var traces = data.EnumerateArray().ToList();
        Assert.Equal(2, traces.Count);
        Assert.All(traces, t => Assert.Equal("heatmap", t.GetProperty("type").GetString()));
        var expected = map.Weights[0].to_type(ScalarType.Float64);
        for (int h = 0; h < 2; h++)
        {
            var z = traces[h].GetProperty("z").EnumerateArray().Select(Support.Html.Doubles).ToArray();
            Assert.Equal(3, z.Length);
            for (int q = 0; q < 3; q++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(expected[h, q, k].ToDouble(), z[q][k], 6);
        }
        Assert.Equal(["I", "am", "here", "<eos>"], Support.Html.Strings(layout.GetProperty("xaxis").GetProperty("ticktext")));
        Assert.Equal(["I", "am", "here", "<eos>"], Support.Html.Strings(layout.GetProperty("xaxis2").GetProperty("ticktext")));
        Assert.Equal(["je", "suis", "là"], Support.Html.Strings(layout.GetProperty("yaxis").GetProperty("ticktext")));
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal("x2", traces[1].GetProperty("xaxis").GetString());
        Assert.Equal("key (head 1)", layout.GetProperty("xaxis2").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Attention_2d_and_3d_and_alignment()
    {
        using var w2 = tensor(new float[] { 0.9f, 0.1f, 0.2f, 0.8f }, [2, 2]);
        var one = Charts.Attention(AttentionMap.Alignment(w2, ["a", "b"], ["x", "y"]));
        using var doc = JsonDocument.Parse(Plotly.NET.GenericChart.toFigureJson(one));
        var t = doc.RootElement.GetProperty("data").EnumerateArray().Single();
        Assert.Equal([0.9, 0.1], Support.Html.Doubles(t.GetProperty("z")[0]).Select(v => Math.Round(v, 6)).ToArray());
        Assert.Equal("Alignment", doc.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
        using var w3 = stack([w2, w2.flip(1)]);
        var second = new AttentionMap(w3) { BatchIndex = 1 }.Matrices();
        Assert.Single(second);
        Assert.Equal(0.1, second[0][0][0], 6);
        Assert.Throws<ArgumentException>(() => Charts.Attention(new AttentionMap(w2, ["only one"])));
        using var heat = JsonDocument.Parse(Plotly.NET.GenericChart.toFigureJson(Charts.Heatmap(w2, ["r0", "r1"], ["c0", "c1"], "weights")));
        Assert.Equal(["c0", "c1"], Support.Html.Strings(heat.RootElement.GetProperty("layout").GetProperty("xaxis").GetProperty("ticktext")));
        Assert.Equal("weights", heat.RootElement.GetProperty("layout").GetProperty("title").GetProperty("text").GetString());
    }

    [Fact]
    public void Frames_are_panels_side_by_side_with_their_titles_and_a_static_image()
    {
        using var frames = zeros(3, 1, 4, 5);                          // (N, 1, H, W): a pixel moving right
        for (int t = 0; t < 3; t++) frames[t, 0, 1, t + 1] = tensor(1f);
        var chart = Charts.Frames(frames, ["t = 0", "t = 1", "next"], "moving pixel");
        using var doc = JsonDocument.Parse(Plotly.NET.GenericChart.toFigureJson(chart));
        var traces = doc.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(3, traces.Count);
        for (int t = 0; t < 3; t++)
        {
            var z = traces[t].GetProperty("z").EnumerateArray().Select(Support.Html.Doubles).ToArray();
            Assert.Equal(4, z.Length);
            Assert.Equal(5, z[0].Length);
            Assert.Equal(1.0, z[1][t + 1]);
            Assert.Equal(1.0, z.Sum(r => r.Sum()));
        }
        var layout = doc.RootElement.GetProperty("layout");
        Assert.Equal("next", layout.GetProperty("xaxis3").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("moving pixel", layout.GetProperty("title").GetProperty("text").GetString());
        var svg = Support.Html.Svg(StaticPlot.ToSvg(chart));
        Assert.Equal(3, svg.Elements().Count(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "panel"));
        Assert.Contains("next", svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        var bad = Assert.Throws<ArgumentException>(() => Charts.Frames(zeros(2, 3, 4, 5)));
        Assert.Contains("(N, H, W) or (N, 1, H, W)", bad.Message);
        Assert.Contains("[2, 3, 4, 5]", bad.Message);
        Assert.Throws<ArgumentException>(() => Charts.Frames(frames, ["only one"]));
    }

    [Fact]
    public void Attention_static_svg_has_one_cell_per_weight()
    {
        var svg = Support.Html.Svg(StaticPlot.ToSvg(Charts.Attention(SampleAttention()), 900, 400));
        var panels = svg.Elements().Where(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "panel").ToList();
        Assert.Equal(2, panels.Count);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("<eos>", texts);
        Assert.Contains("suis", texts);
        foreach (var p in panels)
        {
            // HeatMapSeries rectangles: filled polygons, 3 × 4 of them.
            var cells = p.Descendants().Where(e => e.Name.LocalName is "polygon" or "rect" && ((string?)e.Attribute("style") ?? "").Contains("fill:rgb", StringComparison.Ordinal)
                && !((string?)e.Attribute("style") ?? "").Contains("fill:rgb(255,255,255)", StringComparison.Ordinal)).ToList();
            // The colour bar beside a panel is drawn as 200 thin bands of the palette; the weights' cells are the big ones.
            cells = cells.Where(c => Box(c) is var (w, h) && w > 5 && h > 5).ToList();
            Assert.Equal(12, cells.Count);
            // Every query row has the same weights, rising from the first key to the last (a softmax of evenly rising
            // scores): the cells form 4 columns of 3 equal colours, and Viridis's luminance rises with the weight.
            var columns = cells.Select(c => (X: CentreX(c), Luminance: Luminance(c))).GroupBy(c => Math.Round(c.X)).OrderBy(g => g.Key).ToList();
            Assert.Equal(4, columns.Count);
            Assert.All(columns, g => Assert.Equal(3, g.Count()));
            Assert.All(columns, g => Assert.True(g.Max(c => c.Luminance) - g.Min(c => c.Luminance) < 1e-9, "one column, one colour"));
            var rising = columns.Select(g => g.First().Luminance).ToList();
            Assert.True(rising.Zip(rising.Skip(1)).All(p => p.Second > p.First), $"luminance by key: {string.Join(", ", rising)}");
        }

        static (double Width, double Height) Box(System.Xml.Linq.XElement cell)
        {
            double N(string v) => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
            if (cell.Name.LocalName == "rect") return (N((string)cell.Attribute("width")!), N((string)cell.Attribute("height")!));
            var points = ((string)cell.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(',')).Select(p => (X: N(p[0]), Y: N(p[1]))).ToList();
            return (points.Max(p => p.X) - points.Min(p => p.X), points.Max(p => p.Y) - points.Min(p => p.Y));
        }

        static double CentreX(System.Xml.Linq.XElement cell) => cell.Name.LocalName == "rect"
            ? double.Parse((string)cell.Attribute("x")!, System.Globalization.CultureInfo.InvariantCulture) + double.Parse((string)cell.Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture) / 2
            : ((string)cell.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Average(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture));

        static double Luminance(System.Xml.Linq.XElement cell)
        {
            var rgb = System.Text.RegularExpressions.Regex.Match((string)cell.Attribute("style")!, @"fill:rgb\((\d+),(\d+),(\d+)\)");
            double C(int i) => double.Parse(rgb.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture);
            return 0.2126 * C(1) + 0.7152 * C(2) + 0.0722 * C(3);
        }
    }

    [Fact]
    public void Gradient_flow_one_line_per_model_on_a_log_axis()
    {
        var results = new List<GradientFlowResult> { new("RNN", [1e-5, 1e-3, 1e-1, 1], 0.5), new("LSTM", [0.1, 0.3, 0.6, 1], 0.4) };
        var (data, layout) = Support.Html.SingleFigure(results.ToDisplayString("text/html"));
        Assert.Equal(["RNN", "LSTM"], data.EnumerateArray().Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([1e-5, 1e-3, 1e-1, 1], Support.Html.Doubles(data[0].GetProperty("y")));
        Assert.Equal([0, 1, 2, 3], Support.Html.Doubles(data[1].GetProperty("x")));
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        var single = Support.Html.SingleFigure(results[0].ToDisplayString("text/html"));
        Assert.Single(single.Data.EnumerateArray());
        var svg = Support.Html.Svg(StaticPlot.ToSvg(Charts.GradientFlow(results)));
        // On a log axis 1e-5, 1e-3, 1e-1, 1 are 2, 2 and 1 decades apart.
        var rnn = Support.Html.Polylines(svg, "rgb(31,119,180)").Single(p => p.Length == 4);
        Assert.Equal(2.0, (rnn[0].Y - rnn[1].Y) / (rnn[2].Y - rnn[3].Y), 2);
    }

    [Fact]
    public void XY_chart_plots_each_series_against_its_own_x_values()
    {
        var chart = Charts.XY([("a", [1.0, 2.0, 4.0], [0.5, 0.25, 0.125]), ("b", [1.0, 3.0], [1.0, 2.0])], "Sweep", "lr", "accuracy", logY: true);
        var (data, layout) = Support.Html.SingleFigure(chart.ToDisplayString("text/html"));
        var traces = data.EnumerateArray().ToList();
        Assert.Equal(["a", "b"], traces.Select(t => t.GetProperty("name").GetString()!).ToArray());
        Assert.Equal([1.0, 2.0, 4.0], Support.Html.Doubles(traces[0].GetProperty("x")));
        Assert.Equal([1.0, 2.0], Support.Html.Doubles(traces[1].GetProperty("y")));
        Assert.Equal("lr", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());

        // The static SVG: one line per series in its palette colour, at its own x values, on the log y axis, with the
        // title, axis titles and legend entries.
        var svg = Support.Html.Svg(chart.ToDisplayString("image/svg+xml"));
        var a = Support.Html.Polylines(svg, "rgb(31,119,180)").Single(p => p.Length == 3);
        // x = 1, 2, 4: the second gap is twice the first (plotted by index they would be equal).
        Assert.Equal(2.0, (a[2].X - a[1].X) / (a[1].X - a[0].X), 2);
        // y = 0.5, 0.25, 0.125 on a log axis: equal steps downwards (SVG y grows downwards).
        Assert.True(a[1].Y > a[0].Y);
        Assert.Equal(1.0, (a[2].Y - a[1].Y) / (a[1].Y - a[0].Y), 2);
        // b: x = 1, 3 on the same x axis as a; y = 1 → 2, one doubling up, as far as a's one halving went down.
        var bLines = Support.Html.Polylines(svg, "rgb(255,127,14)").Where(p => p.Length == 2 && Math.Abs(p[0].X - a[0].X) < 0.5).ToList();
        var b = Assert.Single(bLines);
        Assert.Equal(a[0].X + 2 * (a[1].X - a[0].X), b[1].X, 0);
        Assert.Equal(-(a[1].Y - a[0].Y), b[1].Y - b[0].Y, 0);
        var texts = svg.Descendants().Where(e => e.Name.LocalName == "text").Select(e => e.Value).ToList();
        Assert.Contains("Sweep", texts);
        Assert.Contains("lr", texts);
        Assert.Contains("accuracy", texts);
        Assert.Contains("a", texts);
        Assert.Contains("b", texts);
        Assert.Throws<ArgumentException>(() => Charts.XY([("bad", [1.0], [1.0, 2.0])]));
    }

    [Fact]
    public void User_plotly_and_xplot_charts_render_as_html()
    {
        var chart = Charts.Lines([("signal", [0.0, 1.0, 0.5])], "Signal");
        var (data, _) = Support.Html.SingleFigure(chart.ToDisplayString("text/html"));
        Assert.Equal([0.0, 1.0, 0.5], Support.Html.Doubles(data[0].GetProperty("y")));
        Assert.Contains("image/svg+xml", Formatter.GetPreferredMimeTypesFor(chart.GetType()));
        // Its static SVG: the one series as one line of 3 points, equally spaced in x, at heights affine in 0, 1, 0.5
        // (0 → 1 twice as far up as 0 → 0.5), with the title.
        var lines = Support.Html.Svg(chart.ToDisplayString("image/svg+xml"));
        var signal = Support.Html.Polylines(lines, "rgb(31,119,180)").Single(p => p.Length == 3);
        Assert.Equal(signal[1].X - signal[0].X, signal[2].X - signal[1].X, 1);
        Assert.True(signal[1].Y < signal[0].Y, "a larger value is drawn higher");
        Assert.Equal(2.0, (signal[1].Y - signal[0].Y) / (signal[2].Y - signal[0].Y), 2);
        Assert.Contains(lines.Descendants(), e => e.Name.LocalName == "text" && e.Value == "Signal");

        var xplot = XPlot.Plotly.Chart.Plot(new XPlot.Plotly.Scatter { x = new[] { 1, 2, 3 }, y = new[] { 4, 5, 6 }, name = "xp" });
        var html = xplot.ToDisplayString("text/html");
        var doc = Support.Html.Parse(html);
        Assert.NotNull(doc.GetElementById(xplot.Id));
        var (xdata, _) = Support.Html.Figures(doc).Single();
        Assert.Equal([4.0, 5, 6], Support.Html.Doubles(xdata[0].GetProperty("y")));
        Assert.Contains("requirejs.config", html);
        // Its static SVG (embedded and as image/svg+xml) draws the 3 points.
        Assert.NotNull(doc.QuerySelector("img.rnntk-static"));
        var svg = Support.Html.Svg(xplot.ToDisplayString("image/svg+xml"));
        Assert.Equal(xplot.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)svg.Attribute("width")!);
        var xpLine = svg.Descendants().Single(e => e.Name.LocalName == "polyline" && ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 3
            && !((string?)e.Attribute("style") ?? "").Contains("stroke:black", StringComparison.Ordinal));
        // x = 1, 2, 3 and y = 4, 5, 6: equal steps right and up.
        var xp = ((string)xpLine.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.True(xp[1][0] > xp[0][0] && xp[1][1] < xp[0][1], "the line goes right and up");
        Assert.Equal(xp[1][0] - xp[0][0], xp[2][0] - xp[1][0], 1);
        Assert.Equal(xp[1][1] - xp[0][1], xp[2][1] - xp[1][1], 1);
    }
}
