using System.Diagnostics;
using RnnToolkit.Formatting;

namespace RnnToolkit.FormatterTests;

/// <summary>
/// A real browser: headless Chromium (Debian's <c>chromium</c>, installed by scripts/install-test-deps.sh) loads a page
/// with an inline-plotly.js training-curve chart and an attention heatmap, with no network, and the drawn DOM is checked.
/// </summary>
public class BrowserTests
{
    public BrowserTests() => RnnToolkit.Formatters.Register();

    static string FindChromium()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "chromium", "chromium-browser", "google-chrome" };
        foreach (var c in candidates.Where(c => !string.IsNullOrEmpty(c)))
        {
            if (Path.IsPathRooted(c!) && File.Exists(c)) return c!;
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
                if (File.Exists(Path.Combine(dir, c!))) return Path.Combine(dir, c!);
        }
        throw new InvalidOperationException("Chromium is not installed; run scripts/install-test-deps.sh (Debian package 'chromium').");
    }

    static string DumpDom(string pagePath)
    {
        var profile = Directory.CreateTempSubdirectory("rnntk-chromium-");
        try
        {
            var psi = new ProcessStartInfo(FindChromium())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.FullName,
                "--window-size=1400,1000", "--virtual-time-budget=8000", "--dump-dom", new Uri(pagePath).AbsoluteUri })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(90_000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("Chromium did not finish within 90 s.");
            }
            Assert.True(p.ExitCode == 0, $"Chromium exited with {p.ExitCode}: {stderr.Result}");
            return stdout.Result;
        }
        finally
        {
            try { profile.Delete(true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The DOM Chromium builds from a page of <paramref name="html"/> (written to a temporary folder, removed after).</summary>
    static AngleSharp.Dom.IDocument Render(string html)
    {
        var dir = Directory.CreateTempSubdirectory("rnntk-page-");
        try
        {
            var page = Path.Combine(dir.FullName, "page.html");
            File.WriteAllText(page, html);
            return Support.Html.Parse(DumpDom(page));
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void Chromium_draws_inline_training_curves_and_attention_heatmap_offline()
    {
        // The first chart carries plotly.js inline; the second relies on it being on the page (parsed once).
        var curves = ChartHtml.ToHtml(Charts.TrainingCurves(ChartTests.SampleHistory()), PlotlyJsMode.Inline, staticImage: true);
        var attention = ChartHtml.ToHtml(Charts.Attention(ChartTests.SampleAttention()), PlotlyJsMode.PageLoaded, staticImage: false);
        var doc = Render(ChartHtml.Page("charts", curves, attention));
        var charts = doc.QuerySelectorAll("div.rnntk-chart");
        Assert.Equal(2, charts.Length);

        // Training curves: plotly drew its SVG with 4 line traces (loss, val_loss, mae, val_mae), each a path with 6 points.
        var first = charts[0];
        Assert.NotNull(first.QuerySelector("svg.main-svg"));
        var lines = first.QuerySelectorAll(".scatterlayer .trace");
        Assert.Equal(4, lines.Length);
        foreach (var trace in lines)
        {
            var d = trace.QuerySelector("path.js-line")!.GetAttribute("d")!;
            Assert.Equal(6, d.Count(ch => ch is 'M' or 'L'));
            Assert.Equal(6, trace.QuerySelectorAll("path.point").Length);
        }
        // Once plotly drew, the static fallback image was removed.
        Assert.Null(first.QuerySelector("img.rnntk-static"));

        // Attention: one heatmap per head, drawn as an image, with the tokens on the axes.
        var second = charts[1];
        Assert.NotNull(second.QuerySelector("svg.main-svg"));
        var heatmaps = second.QuerySelectorAll(".heatmaplayer .hm");
        Assert.Equal(2, heatmaps.Length);
        Assert.All(heatmaps, h => Assert.StartsWith("data:image/png", h.QuerySelector("image")!.GetAttribute("href") ?? h.QuerySelector("image")!.GetAttribute("xlink:href")));
        var xTicks = second.QuerySelectorAll(".xtick text, .x2tick text").Select(t => t.TextContent).ToList();
        Assert.Equal(2, xTicks.Count(t => t == "<eos>"));
        var yTicks = second.QuerySelectorAll(".ytick text").Select(t => t.TextContent).ToList();
        Assert.Contains("suis", yTicks);
    }

    [Fact]
    public void Static_image_text_is_not_clipped_in_the_browser_font()
    {
        // The static SVG's legend box is sized by Arial's metrics; this host's browser has no Arial and draws a wider
        // sans-serif (as a GitHub reader's may). Every text of the image must lie inside the clip rectangle of its group:
        // before SafeTextMeasurer, "val_accuracy" was cut to "val_accura".
        double[] epochs = [1, 2, 3, 4];
        var chart = Charts.XY([("loss", epochs, [1.0, 0.8, 0.6, 0.5]), ("val_loss", epochs, [1.1, 0.9, 0.7, 0.65]),
            ("accuracy", epochs, [0.5, 0.6, 0.7, 0.8]), ("val_accuracy", epochs, [0.45, 0.55, 0.66, 0.74]), ("注意力 attention", epochs, [0.3, 0.3, 0.3, 0.3])],
            "training curves", "epoch", "value");
        var svg = StaticPlot.ToSvg(chart);
        var body = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
        const string script = """
            <script>
            const clipped = [];
            for (const text of document.querySelectorAll('svg text')) {
              const group = text.closest('g[clip-path]');
              if (!group || !text.textContent.trim()) continue;
              const id = group.getAttribute('clip-path').match(/url\(#([^)]+)\)/)[1];
              const rect = document.getElementById(id).querySelector('rect');
              const [x, y, w, h] = ['x', 'y', 'width', 'height'].map(a => parseFloat(rect.getAttribute(a)));
              const m = group.getCTM().inverse().multiply(text.getCTM());
              const b = text.getBBox();
              const corners = [[b.x, b.y], [b.x + b.width, b.y + b.height]].map(([px, py]) => new DOMPoint(px, py).matrixTransform(m));
              if (corners.some(p => p.x < x - 0.5 || p.x > x + w + 0.5 || p.y < y - 0.5 || p.y > y + h + 0.5))
                clipped.push(text.textContent + ' [' + corners.map(p => p.x.toFixed(1) + ',' + p.y.toFixed(1)).join(' ') + '] outside ' + [x, y, x + w, y + h].map(v => v.toFixed(1)).join(','));
            }
            document.body.setAttribute('data-texts', document.querySelectorAll('svg text').length);
            document.body.setAttribute('data-clipped', clipped.join(' | '));
            </script>
            """;
        var doc = Render($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}{script}</body></html>");
        Assert.True(int.Parse(doc.Body!.GetAttribute("data-texts")!, System.Globalization.CultureInfo.InvariantCulture) >= 5, "the legend's texts were not drawn");
        var clipped = doc.Body!.GetAttribute("data-clipped");
        Assert.True(clipped == "", $"clipped: {clipped}");
    }

    [Fact]
    public void Static_image_texts_neither_overlap_nor_leave_the_image_in_the_browser_font()
    {
        // Four-digit tick labels beside a y axis title, and a title longer than the image is wide at 16 px: in the
        // browser's font no two texts may intersect (the y title used to run through the tick labels) and every text
        // must lie inside the image (a long title used to be cut at both edges).
        double[] h = [64, 128, 256, 512];
        var chart = Charts.XY([("toolkit", h, [130.8, 177.4, 879.5, 5346.1]), ("PyTorch 1.13", h, [160.2, 240.9, 1020.4, 6120.7])],
            "LSTM training time vs H (T = 100, B = 64, I = 32, float32, 2 threads), load 14.23", "H (hidden units)", "ms per iteration");
        var svg = StaticPlot.ToSvg(chart, 720, 420);
        var body = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
        const string script = """
            <script>
            const svg = document.querySelector('svg').getBoundingClientRect();
            const boxes = [...document.querySelectorAll('svg text')].filter(t => t.textContent.trim())
              .map(t => ({ text: t.textContent, r: t.getBoundingClientRect() }));
            const problems = [];
            for (const b of boxes)
              if (b.r.left < svg.left - 0.5 || b.r.right > svg.right + 0.5 || b.r.top < svg.top - 0.5 || b.r.bottom > svg.bottom + 0.5)
                problems.push(b.text + ' leaves the image');
            for (let i = 0; i < boxes.length; i++)
              for (let j = i + 1; j < boxes.length; j++) {
                const a = boxes[i].r, c = boxes[j].r;
                const dx = Math.min(a.right, c.right) - Math.max(a.left, c.left), dy = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
                if (dx > 1 && dy > 1) problems.push(boxes[i].text + ' overlaps ' + boxes[j].text + ' by ' + dx.toFixed(1) + ' x ' + dy.toFixed(1) + ' px');
              }
            document.body.setAttribute('data-texts', boxes.length);
            document.body.setAttribute('data-problems', problems.join(' | '));
            </script>
            """;
        var doc = Render($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{{margin:0}}</style></head><body>{body}{script}</body></html>");
        Assert.True(int.Parse(doc.Body!.GetAttribute("data-texts")!, System.Globalization.CultureInfo.InvariantCulture) >= 10, "the chart's texts were not drawn");
        var problems = doc.Body!.GetAttribute("data-problems");
        Assert.True(problems == "", $"texts: {problems}");
    }

    [Fact]
    public void Chromium_draws_an_inline_xplot_chart_offline()
    {
        // The page holds only the XPlot chart in inline mode: plotly.js comes from the chart's own HTML, no network.
        var xplot = XPlot.Plotly.Chart.Plot(new[]
        {
            new XPlot.Plotly.Scatter { x = new[] { 1, 2, 3, 4 }, y = new[] { 4.0, 5.0, 6.5, 6.0 }, name = "up", mode = "lines+markers" },
            new XPlot.Plotly.Scatter { x = new[] { 1, 2, 3, 4 }, y = new[] { 3.0, 2.0, 0.5, 0.25 }, name = "down", mode = "lines+markers" },
        });
        var html = ChartHtml.ToHtml(xplot, PlotlyJsMode.Inline, staticImage: true);
        var doc = Render(ChartHtml.Page("xplot", html));
        var chart = Assert.Single(doc.QuerySelectorAll("div.rnntk-chart"));
        // (by id lookup, not a CSS selector: XPlot's ids are GUIDs, which may start with a digit)
        var plot = doc.GetElementById(xplot.Id);
        Assert.NotNull(plot);
        Assert.True(chart.Contains(plot));
        Assert.NotNull(plot!.QuerySelector("svg.main-svg"));
        var traces = plot.QuerySelectorAll(".scatterlayer .trace");
        Assert.Equal(2, traces.Length);
        foreach (var trace in traces)
        {
            Assert.Equal(4, trace.QuerySelector("path.js-line")!.GetAttribute("d")!.Count(ch => ch is 'M' or 'L'));
            Assert.Equal(4, trace.QuerySelectorAll("path.point").Length);
        }
        Assert.Equal(["up", "down"], plot.QuerySelectorAll(".legend .legendtext").Select(t => t.TextContent).ToArray());
        // Plotly drew, so the static fallback was removed.
        Assert.Null(chart.QuerySelector("img.rnntk-static"));
    }
}
