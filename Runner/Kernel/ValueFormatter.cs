using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Formatting;
using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner.Kernel;

/// <summary>Turns a value into a Jupyter mime bundle through the Formatting package, as the C# kernel does.</summary>
internal static class ValueFormatter
{
    /// <summary>
    /// Formats <paramref name="value"/> for each of <paramref name="mimeTypes"/>, or, when none are given,
    /// for each of <see cref="Formatter.GetPreferredMimeTypesFor"/> of its type. JSON mime types are embedded as JSON.
    /// </summary>
    public static JsonObject ToMimeBundle(object? value, IReadOnlyCollection<string>? mimeTypes)
    {
        var mimes = mimeTypes is { Count: > 0 }
            ? mimeTypes
            : Formatter.GetPreferredMimeTypesFor(value?.GetType() ?? typeof(object));
        var bundle = new JsonObject();
        foreach (var mime in mimes.Distinct(StringComparer.Ordinal))
        {
            var text = Formatter.ToDisplayString(value, mime);
            bundle[mime] = NotebookJsonWriter.IsJsonMime(mime) ? ParseJsonOrString(text) : JsonValue.Create(text);
        }
        return bundle;
    }

    private static JsonNode? ParseJsonOrString(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
