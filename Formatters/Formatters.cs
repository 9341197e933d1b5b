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
            var entries = FormatterTable.Entries(svg).ToList();
            foreach (var e in entries)
                Formatter.Register(new RnnToolkitFormatter(e.Type, e.MimeType, e.Write));
            foreach (var type in entries.Select(e => e.Type).Distinct())
                Formatter.SetPreferredMimeTypesFor(type, FormatterTable.PreferredMimeTypes(type, svg)!);
        }
    }

}

/// <summary>Marks the formatters <see cref="Formatters.Register"/> adds (so it can tell whether they are still there).</summary>
public interface IRnnToolkitFormatter;

/// <summary>A formatter for one type and one MIME type, from <see cref="FormatterTable"/>.</summary>
/// <param name="type">The formatted type (values of types derived from it too).</param>
/// <param name="mimeType">The MIME type it writes.</param>
/// <param name="write">Writes a value.</param>
sealed class RnnToolkitFormatter(Type type, string mimeType, Action<object, TextWriter> write) : ITypeFormatter, IRnnToolkitFormatter
{
    /// <inheritdoc />
    public string MimeType { get; } = mimeType;

    /// <inheritdoc />
    public Type Type { get; } = type;

    /// <inheritdoc />
    public bool Format(object value, FormatContext context)
    {
        if (!Type.IsInstanceOfType(value)) return false;
        write(value, context.Writer);
        return true;
    }
}
