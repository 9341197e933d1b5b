using RnnToolkit.Experiments;
using RnnToolkit.Training;

namespace RnnToolkit.Formatting;

/// <summary>
/// The formatter source the toolkit's own types name through their <c>[TypeFormatterSource]</c> attribute (found by
/// .NET Interactive's formatter by convention the first time such a value is formatted): with this package loaded,
/// <see cref="History"/>, <see cref="ModelSummary"/>, <see cref="GradientFlowResult"/>, <see cref="ComparisonResult"/>,
/// <see cref="AttentionMap"/> and <see cref="LiveChart"/> render as charts and tables with no
/// <see cref="Formatters.Register"/> call, charts as text/html and (with <see cref="Formatters.OfferSvgMimeType"/>)
/// image/svg+xml. Tensors and third-party charts still need <see cref="Formatters.Register"/>.
/// </summary>
public sealed class ToolkitFormatterSource
{
    /// <summary>The convention-based formatters (each with <c>MimeType</c>, <c>Type</c> and <c>Format(object, TextWriter)</c>).</summary>
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new ConventionFormatter<History>("text/html", (h, w) => ChartHtml.Write(Charts.TrainingCurves(h), w)),
        new ConventionFormatter<History>("text/plain", (h, w) => w.Write(h.ToString())),
        new ConventionFormatter<History>("image/svg+xml", (h, w) => w.Write(StaticPlot.ToSvg(Charts.TrainingCurves(h)))),
        new ConventionFormatter<ModelSummary>("text/html", TableHtml.WriteSummary),
        new ConventionFormatter<ModelSummary>("text/plain", (s, w) => w.Write(s.ToString())),
        new ConventionFormatter<GradientFlowResult>("text/html", (g, w) => ChartHtml.Write(Charts.GradientFlow([g]), w)),
        new ConventionFormatter<GradientFlowResult>("image/svg+xml", (g, w) => w.Write(StaticPlot.ToSvg(Charts.GradientFlow([g])))),
        new ConventionFormatter<ComparisonResult>("text/html", TableHtml.WriteComparison),
        new ConventionFormatter<ComparisonResult>("text/plain", (c, w) => w.Write(c.ToString())),
        new ConventionFormatter<ComparisonResult>("image/svg+xml", (c, w) => w.Write(StaticPlot.ToSvg(Charts.ComparisonCurves(c)))),
        new ConventionFormatter<AttentionMap>("text/html", (a, w) => ChartHtml.Write(Charts.Attention(a), w)),
        new ConventionFormatter<AttentionMap>("text/plain", (a, w) => w.Write(a.ToString())),
        new ConventionFormatter<AttentionMap>("image/svg+xml", (a, w) => w.Write(StaticPlot.ToSvg(Charts.Attention(a)))),
        new ConventionFormatter<LiveChart>("text/html", (c, w) => ChartHtml.Write(c.Chart, w)),
        new ConventionFormatter<LiveChart>("image/svg+xml", (c, w) => w.Write(StaticPlot.ToSvg(c.Chart))),
    ];

    /// <summary>
    /// The MIME types a display of <paramref name="type"/> carries when it is formatted by convention (read through the
    /// types' <c>[TypeFormatterSource]</c> attribute, as <see cref="Formatters.Register"/> sets them): text/html and, with
    /// <see cref="Formatters.OfferSvgMimeType"/>, image/svg+xml for charts and comparisons' curves; text/html and text/plain for tables; null for
    /// other types.
    /// </summary>
    /// <param name="type">The formatted type.</param>
    public string[]? PreferredMimeTypesFor(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type == typeof(History) || type == typeof(GradientFlowResult) || type == typeof(AttentionMap) || type == typeof(LiveChart))
            return Formatters.OfferSvgMimeType ? ["text/html", "image/svg+xml"] : ["text/html"];
        if (type == typeof(ComparisonResult))
            return Formatters.OfferSvgMimeType ? ["text/html", "image/svg+xml", "text/plain"] : ["text/html", "text/plain"];
        if (type == typeof(ModelSummary))
            return ["text/html", "text/plain"];
        return null;
    }
}

/// <summary>
/// Names <see cref="ToolkitFormatterSource"/> on this package's own types (<see cref="AttentionMap"/>,
/// <see cref="LiveChart"/>) in the shape .NET Interactive's formatter discovers by convention (an attribute named
/// <c>TypeFormatterSourceAttribute</c> with <c>FormatterSourceType</c> and <c>PreferredMimeTypes</c>), as the toolkit's
/// types do; the preferred MIME types are read when the type is first formatted, so they follow
/// <see cref="Formatters.OfferSvgMimeType"/>.
/// </summary>
/// <param name="formattedType">The type the attribute is on.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formattedType) : Attribute
{
    /// <summary>The formatter source.</summary>
    public Type FormatterSourceType => typeof(ToolkitFormatterSource);

    /// <summary>The MIME types a display of the type carries.</summary>
    public string[]? PreferredMimeTypes => new ToolkitFormatterSource().PreferredMimeTypesFor(formattedType);
}

/// <summary>A formatter in the shape .NET Interactive's convention-based discovery expects.</summary>
/// <typeparam name="T">The formatted type.</typeparam>
/// <param name="mimeType">The MIME type written.</param>
/// <param name="write">Writes a value.</param>
public sealed class ConventionFormatter<T>(string mimeType, Action<T, TextWriter> write)
{
    /// <summary>The MIME type written.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>The formatted type.</summary>
    public Type Type => typeof(T);

    /// <summary>Writes <paramref name="instance"/> when it is a <typeparamref name="T"/>.</summary>
    /// <param name="instance">The value.</param>
    /// <param name="writer">Where to write.</param>
    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not T t) return false;
        write(t, writer);
        return true;
    }
}
