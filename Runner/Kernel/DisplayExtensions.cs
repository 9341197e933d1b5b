using Microsoft.DotNet.Interactive;

namespace System;

/// <summary>The kernel's <c>Display</c> extension methods (namespace <c>System</c>, as in .NET Interactive).</summary>
public static class DisplayExtensions
{
    /// <summary>Displays <paramref name="value"/> as a new notebook output.</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">Mime types to format it as; none means the type's preferred mime types.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces the output.</returns>
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
        Microsoft.DotNet.Interactive.Kernel.display(value, mimeTypes);

    /// <summary>Displays a string that already is content of <paramref name="mimeType"/> (e.g. SVG or HTML markup).</summary>
    /// <param name="value">The content.</param>
    /// <param name="mimeType">Its mime type.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces the output.</returns>
    public static DisplayedValue DisplayAs(this string value, string mimeType) =>
        Microsoft.DotNet.Interactive.Kernel.DisplayRaw(value, mimeType);

    /// <summary>Displays a sequence as a table (its tabular data resource, as HTML by default).</summary>
    /// <typeparam name="T">The row type.</typeparam>
    /// <param name="value">The rows.</param>
    /// <param name="mimeType">The mime type to show the table as.</param>
    /// <returns>A handle whose <see cref="DisplayedValue.Update"/> replaces the output.</returns>
    public static DisplayedValue DisplayTable<T>(this IEnumerable<T> value, string mimeType = "text/html") =>
        Microsoft.DotNet.Interactive.Formatting.TabularData.TabularDataResourceFormatter.ToTabularDataResource(value).Display(mimeType);
}
