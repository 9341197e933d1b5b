using Microsoft.DotNet.Interactive.Formatting;

namespace RnnToolkit.Formatting;

/// <summary>
/// Shows a value as a notebook output that can be replaced in place.
/// <para>In the .NET Interactive kernel 1.0.712001 (Formatting 1.0.0-beta.26120.1), <c>display(x)</c> publishes one
/// <c>DisplayedValue</c> and returns another with a different display id, so <c>display(x).Update(y)</c> updates an
/// output that does not exist and the notebook keeps showing <c>x</c>. <see cref="Show"/> displays the same way and
/// returns a handle on the value that was actually published, so its <see cref="IDisplayHandle.Update"/> replaces the
/// output (<c>update_display_data</c> in Jupyter). Outside a kernel it writes the value's text to the console, as
/// <c>display</c> does there; in a notebook app (<see cref="NotebookApp"/>) it goes to the app's console and report.</para>
/// </summary>
public static class NotebookDisplay
{
    static readonly object Gate = new();

    /// <summary>Displays <paramref name="value"/> and returns a handle that replaces that output.</summary>
    /// <param name="value">The value to show.</param>
    /// <param name="mimeTypes">The MIME types to format it as; none for the type's preferred ones.</param>
    /// <returns>The handle of the output that was shown.</returns>
    public static IDisplayHandle Show(object value, params string[] mimeTypes)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (NotebookApp.Session is { } app) return app.Show(value, mimeTypes);   // a notebook exported as an app: its host
        DisplayedValue? published = null;
        DisplayedValue returned;
        lock (Gate)
        {
            using (Formatter.SubscribeToDisplayedValues(v =>
                   {
                       if (published is null && !v.IsUpdated && ReferenceEquals(v.Value, value)) published = v;
                   }))
            {
                returned = value.Display(mimeTypes);
            }
        }
        var shown = published ?? returned;
        // With no kernel subscribed, Display would have written to the console had this subscription not been there.
        if (!KernelIsPresent) Formatter.WriteToConsole(shown);
        return new Handle(shown);
    }

    /// <summary>Whether a .NET Interactive kernel is loaded in this process (it receives displayed values).</summary>
    static bool KernelIsPresent =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.DotNet.Interactive");

    sealed class Handle(DisplayedValue shown) : IDisplayHandle
    {
        public void Update(object value) => shown.Update(value);
    }
}
