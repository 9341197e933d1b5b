using Microsoft.AspNetCore.Html;
using RnnToolkit.Runner.Kernel;

namespace Microsoft.DotNet.Interactive;

/// <summary>
/// Stand-in for the .NET Interactive <c>Kernel</c> class's notebook helpers, so notebook code written for Polyglot
/// Notebooks (<c>using static Microsoft.DotNet.Interactive.Kernel;</c>) compiles and behaves the same in the runner.
/// </summary>
public static class Kernel
{
    /// <summary>Displays <paramref name="value"/> as a new output and returns a handle that can update it.</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">Mime types to format it as; none means the type's preferred mime types.</param>
    /// <returns>The displayed value, whose <see cref="DisplayedValue.Update"/> replaces the output.</returns>
#pragma warning disable IDE1006 // lower-case name is the kernel's API
    public static DisplayedValue display(object? value, params string[] mimeTypes)
#pragma warning restore IDE1006
    {
        mimeTypes ??= Array.Empty<string>();
        var sink = KernelContext.Current;
        var displayed = new DisplayedValue(Guid.NewGuid().ToString(), mimeTypes, sink);
        var bundle = ValueFormatter.ToMimeBundle(value, mimeTypes);
        if (sink is null)
            ConsoleRouter.OriginalOut.WriteLine(Formatting.Formatter.ToDisplayString(value, "text/plain"));
        else
            sink.Display(displayed.DisplayId, bundle);
        return displayed;
    }

    /// <summary>Displays content that already is of <paramref name="mimeType"/>, unformatted.</summary>
    internal static DisplayedValue DisplayRaw(string content, string mimeType)
    {
        var sink = KernelContext.Current;
        var displayed = new DisplayedValue(Guid.NewGuid().ToString(), new[] { mimeType }, sink);
        if (sink is null)
            ConsoleRouter.OriginalOut.WriteLine(content);
        else
            sink.Display(displayed.DisplayId, new System.Text.Json.Nodes.JsonObject { [mimeType] = content });
        return displayed;
    }

    /// <summary>Wraps HTML markup so that it is displayed as <c>text/html</c>.</summary>
    /// <param name="content">The markup.</param>
    public static IHtmlContent HTML(string content) => new HtmlString(content);

    /// <summary>Displays a stylesheet that applies to the notebook's outputs.</summary>
    /// <param name="content">CSS rules.</param>
    public static void CSS(string content) => display(HTML($"<style>{content}</style>"), "text/html");

    /// <summary>Displays a script that runs when the output is rendered.</summary>
    /// <param name="scriptContent">JavaScript code.</param>
    public static void Javascript(string scriptContent) =>
        display(HTML($"<script type=\"text/javascript\">{scriptContent}</script>"), "text/html");
}
