using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Experiments;
using RnnToolkit.Formatting;
using RnnToolkit.Training;
using static TorchSharp.torch;

namespace RnnToolkit;

/// <summary>How a chart's HTML loads plotly.js.</summary>
public enum PlotlyJsMode
{
    /// <summary>
    /// Through require.js from the plotly CDN, as Plotly.NET.Interactive does (small outputs; needs network in the
    /// browser). The default.
    /// </summary>
    RequireCdn,

    /// <summary>Inlines the plotly.js that Plotly.NET embeds (about 3.5 MB per chart; renders with no network).</summary>
    Inline,

    /// <summary>A plain <c>&lt;script src&gt;</c> to the plotly CDN.</summary>
    Cdn,

    /// <summary>
    /// No plotly.js in the chart's HTML: the page already loads it (e.g. once through
    /// <see cref="RnnToolkit.Formatting.ChartHtml.InlinePlotlyJsScript"/>), as in a report of many charts.
    /// </summary>
    PageLoaded,
}

/// <summary>
/// Notebook formatters for RnnToolkit on <c>Microsoft.DotNet.Interactive.Formatting</c>: TorchSharp tensors,
/// <see cref="ModelSummary"/>, <see cref="History"/> (training curves), <see cref="AttentionMap"/> (attention heatmaps),
/// gradient-flow results, comparison tables, Plotly.NET <c>GenericChart</c> and XPlot <c>PlotlyChart</c>.
/// Call <see cref="Register"/> once in a notebook's setup cell (calling it again does nothing).
/// </summary>
public static class Formatters
{
    static readonly object Gate = new();

    /// <summary>How chart HTML loads plotly.js (default <see cref="PlotlyJsMode.RequireCdn"/>).</summary>
    public static PlotlyJsMode PlotlyJs { get; set; } = PlotlyJsMode.RequireCdn;

    /// <summary>
    /// Whether chart HTML carries a static SVG of the chart that shows where no JavaScript runs (GitHub, nbviewer) and is
    /// hidden once plotly.js has drawn (default true).
    /// </summary>
    public static bool EmbedStaticImage { get; set; } = true;

    /// <summary>
    /// Whether charts are also offered as <c>image/svg+xml</c> beside <c>text/html</c> in the display bundle
    /// (default true). Takes effect at <see cref="Register"/> and, without it, when a toolkit type (formatted by
    /// convention through <see cref="RnnToolkit.Formatting.ToolkitFormatterSource"/>) is first formatted.
    /// </summary>
    public static bool OfferSvgMimeType { get; set; } = true;

    /// <summary>Width in pixels of the static images (default 720).</summary>
    public static int StaticImageWidth { get; set; } = 720;

    /// <summary>Height in pixels of the static images (default 400).</summary>
    public static int StaticImageHeight { get; set; } = 400;

    /// <summary>How tensors render (threshold, edge items, heatmap for 2-D).</summary>
    public static TensorFormatOptions Tensors { get; } = new();

    /// <summary>Whether <see cref="Register"/>'s formatters are currently registered with <see cref="Formatter"/>.</summary>
    public static bool IsRegistered => Formatter.RegisteredFormatters(false).OfType<IRnnToolkitFormatter>().Any();

    /// <summary>
    /// Registers the formatters with <see cref="Formatter"/> (text/html for everything; text/plain for tensors, summaries
    /// and histories; image/svg+xml for charts) and sets the preferred MIME types. Idempotent: a second call does nothing
    /// unless <see cref="Formatter.ResetToDefault"/> ran in between, in which case it registers again.
    /// </summary>
    public static void Register()
    {
        FSharpCoreBinding.Install();
        lock (Gate)
        {
            if (IsRegistered) return;
            var svg = OfferSvgMimeType;
            Add<Tensor>(TensorHtml.WriteHtml, TensorHtml.WritePlain);
            Add<ModelSummary>(TableHtml.WriteSummary, (s, w) => w.Write(s.ToString()));
            Add<nn.Module>((m, w) => w.Write(TableHtml.Module(m)), (m, w) => w.Write(TableHtml.ModuleText(m)));
            Add<History>((h, w) => ChartHtml.Write(Charts.TrainingCurves(h), w), (h, w) => w.Write(h.ToString()), svg ? (h, w) => w.Write(StaticPlot.ToSvg(Charts.TrainingCurves(h))) : null);
            Add<AttentionMap>((a, w) => ChartHtml.Write(Charts.Attention(a), w), (a, w) => w.Write(a.ToString()), svg ? (a, w) => w.Write(StaticPlot.ToSvg(Charts.Attention(a))) : null);
            Add<GradientFlowResult>((g, w) => ChartHtml.Write(Charts.GradientFlow([g]), w), null, svg ? (g, w) => w.Write(StaticPlot.ToSvg(Charts.GradientFlow([g]))) : null);
            Add<IEnumerable<GradientFlowResult>>((g, w) => ChartHtml.Write(Charts.GradientFlow(g.ToList()), w), null, svg ? (g, w) => w.Write(StaticPlot.ToSvg(Charts.GradientFlow(g.ToList()))) : null);
            Add<ComparisonResult>(TableHtml.WriteComparison, (c, w) => w.Write(c.ToString()), svg ? (c, w) => w.Write(StaticPlot.ToSvg(Charts.ComparisonCurves(c))) : null);
            Add<Plotly.NET.GenericChart>(ChartHtml.Write, null, svg ? (c, w) => w.Write(StaticPlot.ToSvg(c)) : null);
            Add<XPlot.Plotly.PlotlyChart>(ChartHtml.Write, null, svg ? (c, w) => w.Write(StaticPlot.ToSvg(c)) : null);
            Add<LiveChart>((c, w) => ChartHtml.Write(c.Chart, w), null, svg ? (c, w) => w.Write(StaticPlot.ToSvg(c.Chart)) : null);

            Formatter.SetPreferredMimeTypesFor(typeof(Tensor), "text/html", "text/plain");
            Formatter.SetPreferredMimeTypesFor(typeof(ModelSummary), "text/html", "text/plain");
            Formatter.SetPreferredMimeTypesFor(typeof(nn.Module), "text/html", "text/plain");
            // The table with its curves; renderers without HTML pick the curves' SVG or the table as text.
            Formatter.SetPreferredMimeTypesFor(typeof(ComparisonResult), svg ? ["text/html", "image/svg+xml", "text/plain"] : ["text/html", "text/plain"]);
            string[] chartMimes = svg ? ["text/html", "image/svg+xml"] : ["text/html"];
            foreach (var t in new[] { typeof(History), typeof(AttentionMap), typeof(GradientFlowResult), typeof(IEnumerable<GradientFlowResult>), typeof(Plotly.NET.GenericChart), typeof(XPlot.Plotly.PlotlyChart), typeof(LiveChart) })
                Formatter.SetPreferredMimeTypesFor(t, chartMimes);
        }
    }

    static void Add<T>(Action<T, TextWriter> html, Action<T, TextWriter>? plain, Action<T, TextWriter>? svg = null)
    {
        Formatter.Register(new RnnToolkitFormatter<T>("text/html", html));
        if (plain is not null) Formatter.Register(new RnnToolkitFormatter<T>("text/plain", plain));
        if (svg is not null) Formatter.Register(new RnnToolkitFormatter<T>("image/svg+xml", svg));
    }
}

/// <summary>Marks the formatters <see cref="Formatters.Register"/> adds (so it can tell whether they are still there).</summary>
public interface IRnnToolkitFormatter;

/// <summary>A formatter for <typeparamref name="T"/> and one MIME type.</summary>
/// <typeparam name="T">The formatted type.</typeparam>
/// <param name="mimeType">The MIME type it writes.</param>
/// <param name="write">Writes a value.</param>
public sealed class RnnToolkitFormatter<T>(string mimeType, Action<T, TextWriter> write) : ITypeFormatter, IRnnToolkitFormatter
{
    /// <inheritdoc />
    public string MimeType { get; } = mimeType;

    /// <inheritdoc />
    public Type Type => typeof(T);

    /// <inheritdoc />
    public bool Format(object value, FormatContext context)
    {
        if (value is not T t) return false;
        write(t, context.Writer);
        return true;
    }
}
