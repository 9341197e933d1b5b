using RnnToolkit.Experiments;
using RnnToolkit.Training;

namespace RnnToolkit.Formatting;

/// <summary>
/// The formatter source the toolkit's own types name through their <c>[TypeFormatterSource]</c> attribute (found by
/// .NET Interactive's formatter by convention the first time such a value is formatted): with this package loaded,
/// <see cref="History"/>, <see cref="ModelSummary"/>, <see cref="GradientFlowResult"/> and <see cref="ComparisonResult"/>
/// render as charts and tables with no <see cref="Formatters.Register"/> call. Tensors and third-party charts still need
/// <see cref="Formatters.Register"/>.
/// </summary>
public sealed class ToolkitFormatterSource
{
    /// <summary>The convention-based formatters (each with <c>MimeType</c>, <c>Type</c> and <c>Format(object, TextWriter)</c>).</summary>
    public IEnumerable<object> CreateTypeFormatters() =>
    [
        new ConventionFormatter<History>("text/html", (h, w) => ChartHtml.Write(Charts.TrainingCurves(h), w)),
        new ConventionFormatter<History>("text/plain", (h, w) => w.Write(h.ToString())),
        new ConventionFormatter<ModelSummary>("text/html", TableHtml.WriteSummary),
        new ConventionFormatter<ModelSummary>("text/plain", (s, w) => w.Write(s.ToString())),
        new ConventionFormatter<GradientFlowResult>("text/html", (g, w) => ChartHtml.Write(Charts.GradientFlow([g]), w)),
        new ConventionFormatter<ComparisonResult>("text/html", TableHtml.WriteComparison),
        new ConventionFormatter<ComparisonResult>("text/plain", (c, w) => w.Write(c.ToString())),
    ];
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
