namespace RnnToolkit.Formatting;

/// <summary>
/// <c>display(x)</c> for notebook apps (<c>using static RnnToolkit.Formatting.NotebookAppDisplay;</c>): what the
/// notebook kernel's <c>display</c> does, on the <see cref="NotebookApp"/> host.
/// </summary>
public static class NotebookAppDisplay
{
    /// <summary>Shows <paramref name="value"/>: its text on the console, its rich forms in the report.</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">The MIME types to format it as; none for the type's preferred ones.</param>
    /// <returns>A handle whose <see cref="IDisplayHandle.Update"/> replaces this output.</returns>
#pragma warning disable IDE1006 // the notebook kernel's name, so that notebook code compiles unchanged
    public static IDisplayHandle display(object? value, params string[] mimeTypes) => NotebookDisplay.Show(value ?? "<null>", mimeTypes);
#pragma warning restore IDE1006
}
