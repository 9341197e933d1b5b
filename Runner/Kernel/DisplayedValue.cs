using RnnToolkit.Runner.Kernel;

namespace Microsoft.DotNet.Interactive;

/// <summary>
/// A value shown in a notebook output by <see cref="Kernel.display"/>; <see cref="Update"/> replaces that output in
/// place (Jupyter <c>update_display_data</c>), as the .NET Interactive kernel's type of the same name does.
/// </summary>
public sealed class DisplayedValue
{
    private readonly OutputSink? _sink;
    private readonly string[] _mimeTypes;

    internal DisplayedValue(string displayId, string[] mimeTypes, OutputSink? sink)
    {
        DisplayId = displayId;
        _mimeTypes = mimeTypes;
        _sink = sink;
    }

    /// <summary>The display id shared by the output and its updates.</summary>
    public string DisplayId { get; }

    /// <summary>The mime types the value was displayed as (empty: the type's preferred mime types).</summary>
    public IReadOnlyCollection<string> MimeTypes => _mimeTypes;

    /// <summary>Formats <paramref name="updatedValue"/> and replaces the displayed output with it.</summary>
    /// <param name="updatedValue">The new value to show.</param>
    public void Update(object? updatedValue)
    {
        var bundle = ValueFormatter.ToMimeBundle(updatedValue, _mimeTypes);
        if (_sink is null)
            ConsoleRouter.OriginalOut.WriteLine(Formatting.Formatter.ToDisplayString(updatedValue, "text/plain"));
        else
            _sink.UpdateDisplay(DisplayId, bundle);
    }
}
