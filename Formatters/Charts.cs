using System.Globalization;
using Plotly.NET;
using RnnToolkit.Experiments;
using RnnToolkit.Training;
using static TorchSharp.torch;

namespace RnnToolkit.Formatting;

/// <summary>
/// Attention weights to draw as a heatmap: query tokens down, key tokens across, one panel per head.
/// For a Seq2Seq alignment plot pass the target tokens as <paramref name="QueryTokens"/> and the source tokens as
/// <paramref name="KeyTokens"/> (see <see cref="Alignment"/>).
/// </summary>
/// <param name="Weights">
/// The weights: (Tq, Tk); (B, Tq, Tk), drawn for sample <see cref="BatchIndex"/>; or (B, heads, Tq, Tk), one panel per
/// head for sample <see cref="BatchIndex"/>. Any dtype and device; read once when formatted.
/// </param>
/// <param name="QueryTokens">Labels of the Tq rows, or null for 0, 1, ....</param>
/// <param name="KeyTokens">Labels of the Tk columns, or null for 0, 1, ....</param>
[TypeFormatterSource(typeof(AttentionMap))]
public sealed record AttentionMap(Tensor Weights, IReadOnlyList<string>? QueryTokens = null, IReadOnlyList<string>? KeyTokens = null)
{
    /// <summary>Which sample of a batched (3-D or 4-D) tensor to draw (default 0).</summary>
    public int BatchIndex { get; init; }

    /// <summary>The chart's title (default "Attention", or "Alignment" for <see cref="Alignment"/>).</summary>
    public string? Title { get; init; }

    /// <summary>The name of the rows (y axis title and hover label; default "query", "target" for <see cref="Alignment"/>).</summary>
    public string QueryName { get; init; } = "query";

    /// <summary>The name of the columns (x axis title and hover label; default "key", "source" for <see cref="Alignment"/>).</summary>
    public string KeyName { get; init; } = "key";

    /// <summary>One title per panel (shown under it, in place of "key (head h)"), or null.</summary>
    public IReadOnlyList<string>? PanelTitles { get; init; }

    /// <summary>
    /// A Seq2Seq alignment plot: target (output) tokens down (rows, y, first at the top), source (input) tokens across
    /// (columns, x); row t is the attention α_{t,·} of output step t over the source, as <c>Seq2Seq.Run</c> returns it
    /// ((B, Ttarget, Tsource)).
    /// </summary>
    /// <param name="weights">(Ttarget, Tsource), or batched as for <see cref="Weights"/>.</param>
    /// <param name="sourceTokens">The input tokens (columns).</param>
    /// <param name="targetTokens">The output tokens (rows).</param>
    public static AttentionMap Alignment(Tensor weights, IReadOnlyList<string>? sourceTokens, IReadOnlyList<string>? targetTokens) =>
        new(weights, targetTokens, sourceTokens) { Title = "Alignment", QueryName = "target", KeyName = "source" };

    /// <summary>The weights of the drawn sample as [head][query][key] (heads = 1 for 2-D and 3-D tensors).</summary>
    public double[][][] Matrices()
    {
        var w = Weights;
        using var scope = NewDisposeScope();
        var t = w.detach().cpu().to_type(ScalarType.Float64);
        t = t.dim() switch
        {
            2 => t.unsqueeze(0),
            3 => t[BatchIndex].unsqueeze(0),
            4 => t[BatchIndex],
            _ => throw new ArgumentException($"Attention weights must be (Tq, Tk), (B, Tq, Tk) or (B, heads, Tq, Tk); got shape [{string.Join(", ", w.shape)}]."),
        };
        long h = t.shape[0], q = t.shape[1], k = t.shape[2];
        var flat = t.contiguous().data<double>().ToArray();
        var result = new double[h][][];
        for (long i = 0; i < h; i++)
        {
            result[i] = new double[q][];
            for (long j = 0; j < q; j++)
                result[i][j] = flat.AsSpan((int)((i * q + j) * k), (int)k).ToArray();
        }
        return result;
    }

    /// <summary>A short description.</summary>
    public override string ToString() => $"AttentionMap [{string.Join(", ", Weights.shape)}]" +
        (QueryTokens is null ? "" : $" queries: {string.Join(" ", QueryTokens)}") + (KeyTokens is null ? "" : $" keys: {string.Join(" ", KeyTokens)}");
}

/// <summary>
/// Plotly.NET charts of the toolkit's results. Every chart is a plain <see cref="GenericChart"/> (style it further with
/// Plotly.NET), built from plotly.js trace objects so the same figure also converts to a static SVG
/// (<see cref="StaticPlot"/>).
/// </summary>
public static class Charts
{
    /// <summary>The colour of training curves.</summary>
    public const string TrainColor = "#1f77b4";

    /// <summary>The colour of validation curves.</summary>
    public const string ValidationColor = "#ff7f0e";

    static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>
    /// Training curves: one panel per quantity (loss first, then each metric), the training values and, when recorded, the
    /// validation (<c>val_</c>) values against the epoch (1-based).
    /// </summary>
    /// <param name="history">The history.</param>
    /// <param name="includeLearningRate">Also plot <c>lr</c>.</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart TrainingCurves(History history, bool includeLearningRate = false, string title = "Training")
    {
        ArgumentNullException.ThrowIfNull(history);
        var names = history.Values.Keys.Select(k => k.StartsWith("val_", StringComparison.Ordinal) ? k[4..] : k)
            .Where(k => includeLearningRate || k != "lr").Distinct()
            .OrderBy(k => k == "loss" ? 0 : 1).ToList();
        var epochs = history.Epochs.Select(e => (double)(e + 1)).ToArray();
        var traces = new List<Trace>();
        var layout = new Layout();
        for (int i = 0; i < names.Count; i++)
        {
            var (xa, ya) = Axes(i);
            if (history.Values.TryGetValue(names[i], out var train))
                traces.Add(Scatter(epochs, train, names[i], xa, ya, TrainColor, "train"));
            if (history.Values.TryGetValue("val_" + names[i], out var val))
                traces.Add(Scatter(epochs, val, "val_" + names[i], xa, ya, ValidationColor, "val"));
            layout.SetProperty(AxisKey("xaxis", i), Axis("epoch"));
            layout.SetProperty(AxisKey("yaxis", i), Axis(names[i]));
        }
        if (names.Count > 1) layout.SetProperty("grid", Grid(1, names.Count));
        Size(layout, Math.Min(1200, 120 + 380 * Math.Max(1, names.Count)), 400);
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = history.Count == 0 ? title + " (waiting for the first epoch)" : title });
        return Build(traces, layout);
    }

    /// <summary>
    /// Attention heatmaps: query tokens down (first at the top), key tokens across, one panel per head, on a shared colour
    /// scale from 0 to the largest weight.
    /// </summary>
    /// <param name="map">The weights and tokens.</param>
    public static GenericChart Attention(AttentionMap map) => Attention(map, pixels: false);

    static GenericChart Attention(AttentionMap map, bool pixels)
    {
        ArgumentNullException.ThrowIfNull(map);
        var m = map.Matrices();
        int heads = m.Length, q = m[0].Length, k = q == 0 ? 0 : m[0][0].Length;
        if (map.PanelTitles is { } titles && titles.Count != heads)
            throw new ArgumentException($"Expected one panel title per panel ({heads}); got {titles.Count}.", nameof(map));
        var qTokens = Labels(map.QueryTokens, q, map.QueryName);
        var kTokens = Labels(map.KeyTokens, k, map.KeyName);
        double zmax = m.SelectMany(h => h.SelectMany(r => r)).DefaultIfEmpty(1).Max();
        var traces = new List<Trace>();
        var layout = new Layout();
        for (int h = 0; h < heads; h++)
        {
            var (xa, ya) = Axes(h);
            var t = new Trace2D("heatmap");
            t.SetProperty("z", m[h]);
            t.SetProperty("x", Enumerable.Range(0, k).ToArray());
            t.SetProperty("y", Enumerable.Range(0, q).ToArray());
            t.SetProperty("zmin", 0.0);
            t.SetProperty("zmax", zmax > 0 ? zmax : 1.0);
            t.SetProperty("colorscale", "Viridis");
            t.SetProperty("showscale", h == heads - 1);
            t.SetProperty("name", heads > 1 ? $"head {h}" : "attention");
            t.SetProperty("xaxis", xa);
            t.SetProperty("yaxis", ya);
            t.SetProperty("customdata", Enumerable.Range(0, q).Select(i => Enumerable.Range(0, k).Select(j => new[] { qTokens[i], kTokens[j] }).ToArray()).ToArray());
            t.SetProperty("hovertemplate", map.QueryName + " %{customdata[0]}<br>" + map.KeyName + " %{customdata[1]}<br>weight %{z:.3f}<extra></extra>");
            traces.Add(t);
            layout.SetProperty(AxisKey("xaxis", h), TokenAxis(kTokens, map.PanelTitles?[h] ?? (heads > 1 ? $"{map.KeyName} (head {h})" : map.KeyName), reversed: false));
            layout.SetProperty(AxisKey("yaxis", h), TokenAxis(qTokens, h == 0 ? map.QueryName : "", reversed: true));
        }
        if (heads > 1) layout.SetProperty("grid", Grid(1, heads));
        if (pixels)                                    // images: square panels side by side
            Size(layout, Math.Min(1400, 120 + 150 * heads), 300);
        else
            Size(layout, Math.Min(1400, 160 + Math.Max(260, 28 * k + 80) * heads), Math.Clamp(28 * q + 160, 300, 800));
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = map.Title ?? "Attention" });
        return Build(traces, layout);
    }

    /// <summary>A heatmap of a 2-D tensor (or of each leading slice of a 4-D one), rows down, columns across.</summary>
    /// <param name="values">(rows, columns), (B, rows, columns) drawn for sample 0, or (B, panels, rows, columns).</param>
    /// <param name="rowLabels">Row labels, or null for 0, 1, ....</param>
    /// <param name="columnLabels">Column labels, or null for 0, 1, ....</param>
    /// <param name="title">The title.</param>
    public static GenericChart Heatmap(Tensor values, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, string title = "") =>
        Attention(new AttentionMap(values, rowLabels, columnLabels) { Title = title });

    /// <summary>
    /// Images side by side — e.g. the frames of an image sequence, or a prediction beside its input — as heatmaps on one
    /// colour scale from 0 to the largest value, row 0 at the top.
    /// </summary>
    /// <param name="frames">(N, H, W) or (N, 1, H, W): N panels of H × W.</param>
    /// <param name="frameTitles">A title under each panel, or null for "frame 0", "frame 1", ….</param>
    /// <param name="title">The chart's title.</param>
    public static GenericChart Frames(Tensor frames, IReadOnlyList<string>? frameTitles = null, string title = "")
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (!(frames.dim() == 3 || frames.dim() == 4 && frames.shape[1] == 1))
            throw new ArgumentException($"Charts.Frames: expected frames of shape (N, H, W) or (N, 1, H, W); got [{string.Join(", ", frames.shape)}].", nameof(frames));
        using var scope = NewDisposeScope();
        var images = (frames.dim() == 4 ? frames.squeeze(1) : frames).unsqueeze(0);
        var titles = frameTitles ?? Enumerable.Range(0, (int)images.shape[1]).Select(i => $"frame {i}").ToList();
        return Attention(new AttentionMap(images) { Title = title, PanelTitles = titles, QueryName = "row", KeyName = "column" }, pixels: true);
    }

    /// <summary>Gradient flow: ‖∂loss/∂h_t‖ against t, one line per model.</summary>
    /// <param name="results">The measurements.</param>
    /// <param name="logScale">A logarithmic y axis (default).</param>
    public static GenericChart GradientFlow(IReadOnlyList<GradientFlowResult> results, bool logScale = true)
    {
        ArgumentNullException.ThrowIfNull(results);
        var traces = results.Select((r, i) => (Trace)Scatter(Enumerable.Range(0, r.Norms.Length).Select(t => (double)t).ToArray(), r.Norms, r.Name, "x", "y", Palette[i % Palette.Length], null)).ToList();
        var layout = new Layout();
        layout.SetProperty("xaxis", Axis("t"));
        var y = Axis("‖∂loss/∂h_t‖");
        if (logScale) y["type"] = "log";
        layout.SetProperty("yaxis", y);
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = "Gradient flow" });
        Size(layout, 720, 420);
        return Build(traces, layout);
    }

    /// <summary>The training (solid) and validation (dashed) loss of each variant of a comparison.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="key">The quantity to plot (default <c>loss</c>).</param>
    public static GenericChart ComparisonCurves(ComparisonResult result, string key = "loss")
    {
        ArgumentNullException.ThrowIfNull(result);
        var traces = new List<Trace>();
        int i = 0;
        foreach (var row in result.Rows)
        {
            if (!result.Histories.TryGetValue(row.Name, out var h)) continue;
            var color = Palette[i++ % Palette.Length];
            var x = h.Epochs.Select(e => (double)(e + 1)).ToArray();
            if (h.Values.TryGetValue(key, out var tr)) traces.Add(Scatter(x, tr, $"{row.Name} {key}", "x", "y", color, row.Name));
            if (h.Values.TryGetValue("val_" + key, out var va))
            {
                var s = Scatter(x, va, $"{row.Name} val_{key}", "x", "y", color, row.Name);
                s.SetProperty("line", new Dictionary<string, object> { ["color"] = color, ["dash"] = "dash" });
                traces.Add(s);
            }
        }
        var layout = new Layout();
        layout.SetProperty("xaxis", Axis("epoch"));
        layout.SetProperty("yaxis", Axis(key));
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = "Comparison: " + key });
        Size(layout, 720, 420);
        return Build(traces, layout);
    }

    /// <summary>A line chart of one or more series against their index (a quick plot of loss lists, signals, predictions).</summary>
    /// <param name="series">Name and values of each line.</param>
    /// <param name="title">The title.</param>
    public static GenericChart Lines(IEnumerable<(string Name, IReadOnlyList<double> Values)> series, string title = "")
    {
        var traces = series.Select((s, i) => (Trace)Scatter(Enumerable.Range(0, s.Values.Count).Select(t => (double)t).ToArray(), s.Values, s.Name, "x", "y", Palette[i % Palette.Length], null)).ToList();
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        Size(layout, 720, 420);
        return Build(traces, layout);
    }

    /// <summary>
    /// A line chart of one or more series against their own x values (a measurement against a swept setting: accuracy
    /// against learning rate, time against sequence length), with axis titles.
    /// </summary>
    /// <param name="series">Name, x values and y values of each line (equal lengths).</param>
    /// <param name="title">The title.</param>
    /// <param name="xTitle">The x axis title.</param>
    /// <param name="yTitle">The y axis title.</param>
    /// <param name="logY">A logarithmic y axis.</param>
    public static GenericChart XY(IEnumerable<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series, string title = "", string xTitle = "", string yTitle = "", bool logY = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        var traces = series.Select((s, i) =>
        {
            if (s.X.Count != s.Y.Count) throw new ArgumentException($"Series '{s.Name}' has {s.X.Count} x values and {s.Y.Count} y values.", nameof(series));
            return (Trace)Scatter(s.X.ToArray(), s.Y, s.Name, "x", "y", Palette[i % Palette.Length], null);
        }).ToList();
        var layout = new Layout();
        layout.SetProperty("xaxis", Axis(xTitle));
        var y = Axis(yTitle);
        if (logY) y["type"] = "log";
        layout.SetProperty("yaxis", y);
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title });
        Size(layout, 720, 420);
        return Build(traces, layout);
    }

    static GenericChart Build(List<Trace> traces, Layout layout) =>
        GenericChart.addLayout(layout, GenericChart.ofTraceObjects(false, traces));

    static Trace2D Scatter(double[] x, IReadOnlyList<double> y, string name, string xaxis, string yaxis, string color, string? group)
    {
        var t = new Trace2D("scatter");
        t.SetProperty("x", x);
        t.SetProperty("y", y.Take(x.Length).Select(v => double.IsFinite(v) ? (object)v : null).ToArray());
        t.SetProperty("name", name);
        t.SetProperty("mode", x.Length <= 60 ? "lines+markers" : "lines");
        t.SetProperty("line", new Dictionary<string, object> { ["color"] = color });
        t.SetProperty("marker", new Dictionary<string, object> { ["color"] = color, ["size"] = 5 });
        t.SetProperty("xaxis", xaxis);
        t.SetProperty("yaxis", yaxis);
        if (group is not null) t.SetProperty("legendgroup", group);
        return t;
    }

    static void Size(Layout layout, int width, int height)
    {
        layout.SetProperty("width", width);
        layout.SetProperty("height", height);
    }

    static (string X, string Y) Axes(int i) => i == 0 ? ("x", "y") : ($"x{i + 1}", $"y{i + 1}");

    static string AxisKey(string axis, int i) => i == 0 ? axis : axis + (i + 1).ToString(CultureInfo.InvariantCulture);

    static Dictionary<string, object> Axis(string title) => new() { ["title"] = new Dictionary<string, object> { ["text"] = title } };

    static Dictionary<string, object> Grid(int rows, int columns) => new() { ["rows"] = rows, ["columns"] = columns, ["pattern"] = "independent" };

    static Dictionary<string, object> TokenAxis(string[] tokens, string title, bool reversed)
    {
        var a = Axis(title);
        a["tickmode"] = "array";
        a["tickvals"] = Enumerable.Range(0, tokens.Length).ToArray();
        a["ticktext"] = tokens;
        if (reversed) a["autorange"] = "reversed";
        return a;
    }

    static string[] Labels(IReadOnlyList<string>? tokens, int n, string what)
    {
        if (tokens is null) return Enumerable.Range(0, n).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (tokens.Count != n) throw new ArgumentException($"{tokens.Count} {what} tokens for {n} {what} positions.");
        return [.. tokens];
    }
}
