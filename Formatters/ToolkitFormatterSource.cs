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
        FormatterTable.Entries(Formatters.OfferSvgMimeType).Where(e => FormatterTable.ToolkitTypes.Contains(e.Type))
            .Select(e => new ConventionFormatter(e.Type, e.MimeType, e.Write)).ToList();

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
        return FormatterTable.ToolkitTypes.Contains(type) ? FormatterTable.PreferredMimeTypes(type, Formatters.OfferSvgMimeType) : null;
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
sealed class TypeFormatterSourceAttribute(Type formattedType) : Attribute
{
    /// <summary>The formatter source.</summary>
    public Type FormatterSourceType => typeof(ToolkitFormatterSource);

    /// <summary>The MIME types a display of the type carries.</summary>
    public string[]? PreferredMimeTypes => new ToolkitFormatterSource().PreferredMimeTypesFor(formattedType);
}

/// <summary>A formatter in the shape .NET Interactive's convention-based discovery expects.</summary>
/// <param name="type">The formatted type.</param>
/// <param name="mimeType">The MIME type written.</param>
/// <param name="write">Writes a value.</param>
public sealed class ConventionFormatter(Type type, string mimeType, Action<object, TextWriter> write)
{
    /// <summary>The MIME type written.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>The formatted type.</summary>
    public Type Type { get; } = type;

    /// <summary>Writes <paramref name="instance"/> when it is a value of <see cref="Type"/>.</summary>
    /// <param name="instance">The value.</param>
    /// <param name="writer">Where to write.</param>
    public bool Format(object instance, TextWriter writer)
    {
        if (!Type.IsInstanceOfType(instance)) return false;
        write(instance, writer);
        return true;
    }
}
