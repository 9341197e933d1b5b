using System.Net;
using System.Reflection;

namespace RnnToolkit.Notebooks;

/// <summary>
/// Names the formatter source of a toolkit type for .NET Interactive's formatter, which finds it by convention (an
/// attribute named <c>TypeFormatterSourceAttribute</c> with a <c>FormatterSourceType</c> property) the first time a
/// value of the type is formatted, so the toolkit needs no reference to <c>Microsoft.DotNet.Interactive.Formatting</c>.
/// </summary>
/// <param name="formatterSourceType">A type with a public parameterless constructor and a public
/// <c>CreateTypeFormatters()</c> returning the formatters.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = true)]
sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The formatter source.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>The type the attribute is on (so <see cref="PreferredMimeTypes"/> can ask for its MIME types).</summary>
    public Type? FormattedType { get; set; }

    /// <summary>
    /// The MIME types a display of <see cref="FormattedType"/> carries, read by the formatter when it discovers the
    /// source: what the RnnToolkit.Formatters package offers for the type (e.g. text/html and image/svg+xml for charts),
    /// or null (the formatter's default, text/html) without that package, whose formatter here writes text/html only.
    /// </summary>
    public string[]? PreferredMimeTypes => FormattedType is null ? null : ToolkitFormatterSource.PreferredMimeTypesFor(FormattedType);
}

/// <summary>
/// The formatter source of the toolkit's result types (History, ModelSummary, gradient-flow and comparison results).
/// When the RnnToolkit.Formatters package is loaded it hands over to its <c>RnnToolkit.Formatting.ToolkitFormatterSource</c>
/// (charts and tables); otherwise it renders the types' text (<c>ToString</c>) as preformatted HTML.
/// </summary>
sealed class ToolkitFormatterSource
{
    const string FormattersAssembly = "RnnToolkit.Formatters";
    const string FormattersSource = "RnnToolkit.Formatting.ToolkitFormatterSource";

    /// <summary>The formatters (objects with <c>MimeType</c>, <c>Type</c> and <c>bool Format(object, TextWriter)</c>).</summary>
    public IEnumerable<object> CreateTypeFormatters()
    {
        var source = FindFormattersSource();
        if (source is not null && source.GetMethod("CreateTypeFormatters")?.Invoke(Activator.CreateInstance(source), null) is IEnumerable<object> formatters)
            return formatters;
        return [new PreformattedTextFormatter()];
    }

    /// <summary>The MIME types the RnnToolkit.Formatters package offers for <paramref name="type"/>, or null without it.</summary>
    internal static string[]? PreferredMimeTypesFor(Type type)
    {
        var source = FindFormattersSource();
        if (source?.GetMethod("PreferredMimeTypesFor", [typeof(Type)]) is not { } method) return null;
        return method.Invoke(Activator.CreateInstance(source), [type]) as string[];
    }

    static Type? FindFormattersSource()
    {
        var asm = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == FormattersAssembly);
        if (asm is null)
        {
            try { asm = Assembly.Load(new AssemblyName(FormattersAssembly)); }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException) { return null; }
        }
        return asm.GetType(FormattersSource);
    }

    /// <summary>text/html: the value's <c>ToString()</c> in a <c>pre</c>.</summary>
    internal sealed class PreformattedTextFormatter
    {
        public string MimeType => "text/html";

        public bool Format(object instance, TextWriter writer)
        {
            if (instance is null) return false;
            writer.Write("<pre>" + WebUtility.HtmlEncode(instance.ToString()) + "</pre>");
            return true;
        }
    }
}
