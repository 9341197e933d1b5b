using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Formatting;
using RnnToolkit.Training;

namespace RnnToolkit.FormatterTests;

public class RegistrationTests
{
    [Fact]
    public void Register_is_idempotent_and_survives_a_reset()
    {
        RnnToolkit.Formatters.Register();
        int count = Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count();
        Assert.True(count >= 10);
        RnnToolkit.Formatters.Register();
        Assert.Equal(count, Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count());

        Formatter.ResetToDefault();
        Assert.False(RnnToolkit.Formatters.IsRegistered);
        using var t = ones(2);
        RnnToolkit.Formatters.Register();
        Assert.True(RnnToolkit.Formatters.IsRegistered);
        Assert.Equal(count, Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Count());
        Assert.Contains("rnntk-tensor", t.ToDisplayString("text/html"));
        Assert.Equal(["text/html", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(Tensor)).ToArray());
        Assert.Equal(["text/html", "image/svg+xml"], Formatter.GetPreferredMimeTypesFor(typeof(History)).ToArray());
    }

    [Fact]
    public void Notebook_start_registers_the_formatters_seeds_torch_and_says_so()
    {
        Formatter.ResetToDefault();
        var console = Console.Out;
        var written = new StringWriter();
        Console.SetOut(written);
        RnnToolkit.NotebookSession session;
        try { session = RnnToolkit.Notebook.Start(1234); }
        finally { Console.SetOut(console); }
        using var drawn = rand(3);
        torch.random.manual_seed(1234);
        using var expected = rand(3);
        Assert.Equal(expected.data<float>().ToArray(), drawn.data<float>().ToArray());
        Assert.True(RnnToolkit.Formatters.IsRegistered);
        Assert.Empty(session.Checks.Names);
        Assert.Equal(1234, session.Seed);
        Assert.Equal($"TorchSharp native library: {session.Native.Action}; formatters registered; seed 1234", written.ToString().Trim());
    }
}

/// <summary>
/// The toolkit's and this package's own types format through their <c>[TypeFormatterSource]</c> attribute with no
/// <c>Register()</c>. Each test starts from <see cref="Formatter.ResetToDefault"/> (the formatter is process-wide state;
/// the test collections run one at a time) and leaves the formatters registered again for the other tests.
/// </summary>
public class ConventionTests
{
    static void WithoutRegister(Action test)
    {
        Formatter.ResetToDefault();
        try
        {
            Assert.False(RnnToolkit.Formatters.IsRegistered);
            test();
            // Formatting by convention does not register the Register() formatters.
            Assert.False(RnnToolkit.Formatters.IsRegistered);
        }
        finally
        {
            Formatter.ResetToDefault();
            RnnToolkit.Formatters.Register();
        }
    }

    /// <summary>Both registration paths read one table: for every toolkit type, the convention source offers the same
    /// MIME types, in the same order, and writes the same text as <c>Register()</c>'s formatters.</summary>
    [Fact]
    public void Convention_and_register_offer_the_same_formatters()
    {
        var history = ChartTests.SampleHistory();
        var samples = new object[] { history, StaticImageTests.SampleComparison(), new RnnToolkit.Experiments.GradientFlowResult("RNN", [1e-3, 1], 0.1) };
        var source = new ToolkitFormatterSource();
        Formatter.ResetToDefault();
        RnnToolkit.Formatters.Register();
        foreach (var value in samples)
        {
            var type = value.GetType();
            var registered = Formatter.GetPreferredMimeTypesFor(type).ToArray();
            Assert.Equal(registered, source.PreferredMimeTypesFor(type));
            var convention = source.CreateTypeFormatters().Cast<ConventionFormatter>().Where(f => f.Type == type).ToList();
            Assert.Equal(registered.OrderBy(m => m), convention.Select(f => f.MimeType).Where(registered.Contains).OrderBy(m => m));
            foreach (var formatter in convention)
            {
                using var writer = new StringWriter();
                Assert.True(formatter.Format(value, writer));
                var expected = value.ToDisplayString(formatter.MimeType);
                // Charts carry a fresh element id per rendering; compare with the ids taken out.
                Assert.Equal(System.Text.RegularExpressions.Regex.Replace(expected, @"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "id"),
                             System.Text.RegularExpressions.Regex.Replace(writer.ToString(), @"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "id"));
            }
        }
        Assert.Null(source.PreferredMimeTypesFor(typeof(Tensor)));          // tensors need Register()
    }

    [Fact]
    public void Toolkit_types_format_by_convention_without_register()
    {
        WithoutRegister(() =>
        {
            var (data, _) = Support.Html.SingleFigure(ChartTests.SampleHistory().ToDisplayString("text/html"));
            Assert.Equal(4, data.GetArrayLength());
            var results = new RnnToolkit.Experiments.GradientFlowResult("RNN", [1e-3, 1], 0.1);
            Assert.Single(Support.Html.SingleFigure(results.ToDisplayString("text/html")).Data.EnumerateArray());
            Assert.Equal(ChartTests.SampleHistory().ToString(), ChartTests.SampleHistory().ToDisplayString("text/plain"));
        });
    }

    [Fact]
    public void Charts_formatted_by_convention_also_offer_image_svg()
    {
        WithoutRegister(() =>
        {
            var history = ChartTests.SampleHistory();
            var gradient = new RnnToolkit.Experiments.GradientFlowResult("RNN", [1e-4, 1e-2, 1], 0.1);
            var map = ChartTests.SampleAttention();
            var live = new LiveChart(Charts.Lines([("signal", [0.0, 1.0, 0.5])]));
            foreach (var type in new[] { typeof(History), typeof(RnnToolkit.Experiments.GradientFlowResult), typeof(AttentionMap), typeof(LiveChart) })
                Assert.Equal(["text/html", "image/svg+xml"], Formatter.GetPreferredMimeTypesFor(type).ToArray());

            // History: the training curves (train in blue, 6 epochs, in the loss and mae panels).
            var historySvg = Support.Html.Svg(history.ToDisplayString("image/svg+xml"));
            Assert.Equal(RnnToolkit.Formatters.StaticImageWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), (string)historySvg.Attribute("width")!);
            Assert.Equal(2, Support.Html.Polylines(historySvg, "rgb(31,119,180)").Count(p => p.Length == history.Count));
            // Gradient flow: one 3-point line.
            Assert.Single(Support.Html.Polylines(Support.Html.Svg(gradient.ToDisplayString("image/svg+xml")), "rgb(31,119,180)"), p => p.Length == 3);
            // Attention: one panel per head, with the tokens.
            var mapSvg = Support.Html.Svg(map.ToDisplayString("image/svg+xml"));
            Assert.Equal(2, mapSvg.Elements().Count(e => e.Name.LocalName == "g" && (string?)e.Attribute("class") == "panel"));
            Assert.Contains(mapSvg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "suis");
            // Live chart: its line.
            Assert.Single(Support.Html.Polylines(Support.Html.Svg(live.ToDisplayString("image/svg+xml")), "rgb(31,119,180)"), p => p.Length == 3);
        });
    }

    [Fact]
    public void Convention_svg_follows_offer_svg_mime_type()
    {
        var before = RnnToolkit.Formatters.OfferSvgMimeType;
        try
        {
            RnnToolkit.Formatters.OfferSvgMimeType = false;
            WithoutRegister(() =>
            {
                Assert.Equal(["text/html"], Formatter.GetPreferredMimeTypesFor(typeof(History)).ToArray());
                Assert.Equal(["text/html"], Formatter.GetPreferredMimeTypesFor(typeof(AttentionMap)).ToArray());
            });
        }
        finally
        {
            RnnToolkit.Formatters.OfferSvgMimeType = before;
            Formatter.ResetToDefault();
            RnnToolkit.Formatters.Register();
        }
    }

    [Fact]
    public void Attention_map_and_live_chart_format_by_convention_without_register()
    {
        WithoutRegister(() =>
        {
            var map = ChartTests.SampleAttention();
            var doc = Support.Html.Parse(map.ToDisplayString("text/html"));
            Assert.NotNull(doc.QuerySelector("div.rnntk-chart img.rnntk-static"));
            var (data, layout) = Support.Html.Figures(doc).Single();
            var traces = data.EnumerateArray().ToList();
            Assert.Equal(2, traces.Count);
            var expected = map.Matrices();
            for (int h = 0; h < traces.Count; h++)
            {
                Assert.Equal("heatmap", traces[h].GetProperty("type").GetString());
                var z = traces[h].GetProperty("z").EnumerateArray().Select(Support.Html.Doubles).ToArray();
                Assert.Equal(expected[h], z);
            }
            Assert.Equal(map.KeyTokens!.ToArray(), Support.Html.Strings(layout.GetProperty("xaxis").GetProperty("ticktext")));
            Assert.Equal(map.QueryTokens!.ToArray(), Support.Html.Strings(layout.GetProperty("yaxis").GetProperty("ticktext")));
            Assert.Equal(map.ToString(), map.ToDisplayString("text/plain"));

            double[] values = [0.25, 0.75, 0.5];
            var live = new LiveChart(Charts.Lines([("signal", values)], "Live"));
            var (liveData, liveLayout) = Support.Html.SingleFigure(live.ToDisplayString("text/html"));
            Assert.Equal("signal", liveData.EnumerateArray().Single().GetProperty("name").GetString());
            Assert.Equal(values, Support.Html.Doubles(liveData[0].GetProperty("y")));
            Assert.Equal("Live", liveLayout.GetProperty("title").GetProperty("text").GetString());
        });
    }

    [Fact]
    public void Model_summary_and_comparison_format_by_convention_without_register()
    {
        WithoutRegister(() =>
        {
            using var model = nn.Sequential(("dense", nn.Linear(3, 5)), ("out", nn.Linear(5, 2)));
            var summary = ModelSummary.Create(model, 3);
            Assert.Equal(["text/html", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(ModelSummary)).ToArray());
            var doc = Support.Html.Parse(summary.ToDisplayString("text/html"));
            var rows = doc.QuerySelectorAll("table.rnntk-summary-layers tbody tr");
            Assert.Equal(summary.Layers.Count, rows.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                var l = summary.Layers[i];
                Assert.Equal([$"{l.Name} ({l.Type})", l.OutputShape, l.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)], Support.Html.Cells(rows[i]));
            }
            var total = model.parameters().Sum(p => p.numel());
            Assert.Equal(["Total params", total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)], Support.Html.Cells(doc.QuerySelectorAll("table.rnntk-summary-totals tr")[0]));
            Assert.Equal(summary.ToString(), summary.ToDisplayString("text/plain"));

            var comparison = StaticImageTests.SampleComparison();
            Assert.Equal(["text/html", "image/svg+xml", "text/plain"], Formatter.GetPreferredMimeTypesFor(typeof(RnnToolkit.Experiments.ComparisonResult)).ToArray());
            var cdoc = Support.Html.Parse(comparison.ToDisplayString("text/html"));
            // The image/svg+xml offered beside the HTML is the curves' static image the HTML embeds (StaticImageTests checks its points).
            static List<string> Lines(System.Xml.Linq.XElement svg) =>
                svg.Descendants().Where(e => e.Name.LocalName == "polyline").Select(e => (string)e.Attribute("points")!).ToList();
            var offered = Lines(Support.Html.Svg(comparison.ToDisplayString("image/svg+xml")));
            Assert.Equal(Lines(Support.Html.EmbeddedSvg(cdoc.QuerySelector("img.rnntk-static")!)), offered);
            Assert.Contains(offered, p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == comparison.Histories["GRU"].Count);
            var crows = cdoc.QuerySelectorAll("table.rnntk-comparison-table tbody tr");
            Assert.Equal(comparison.Rows.Select(r => r.Name).ToArray(), crows.Select(r => Support.Html.Cells(r)[0]).ToArray());
            Assert.Equal(comparison.Rows.Select(r => r.Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)).ToArray(), crows.Select(r => Support.Html.Cells(r)[1]).ToArray());
            var (data, _) = Support.Html.Figures(cdoc).Single();
            Assert.Equal(comparison.Histories["GRU"]["val_loss"].ToArray(), Support.Html.Doubles(data[3].GetProperty("y")));
            Assert.NotNull(cdoc.QuerySelector("img.rnntk-static"));
            Assert.Equal(comparison.ToString(), comparison.ToDisplayString("text/plain"));
        });
    }
}
