using System.Globalization;

namespace RnnToolkit.Formatting;

/// <summary>Converts a parameter's command-line text to the type of its default value.</summary>
static class ParameterText
{
    /// <summary>The value of <paramref name="text"/> as a <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The text is not a <paramref name="type"/>, or the type is not supported.</exception>
    public static object Convert(string text, Type type, string name)
    {
        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var parts = text.Length == 0 ? [] : text.Split(',');
            var array = Array.CreateInstance(element, parts.Length);
            for (var i = 0; i < parts.Length; i++) array.SetValue(Convert(parts[i].Trim(), element, name), i);
            return array;
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        var culture = CultureInfo.InvariantCulture;
        object? value = target switch
        {
            _ when target == typeof(string) => text,
            _ when target == typeof(int) => int.TryParse(text, NumberStyles.Integer, culture, out var v) ? v : null,
            _ when target == typeof(long) => long.TryParse(text, NumberStyles.Integer, culture, out var v) ? v : null,
            _ when target == typeof(double) => double.TryParse(text, NumberStyles.Float, culture, out var v) ? v : null,
            _ when target == typeof(float) => float.TryParse(text, NumberStyles.Float, culture, out var v) ? v : null,
            _ when target == typeof(decimal) => decimal.TryParse(text, NumberStyles.Float, culture, out var v) ? v : null,
            _ when target == typeof(bool) => bool.TryParse(text, out var v) ? v : null,
            _ => throw new ArgumentException($"parameter --{name}: its type {target.Name} cannot be given on the command line (expected int, long, double, float, decimal, bool, string or an array of these)."),
        };
        return value ?? throw new ArgumentException($"parameter --{name}: expected {Describe(target)}, got '{text}'.");
    }

    static string Describe(Type type) =>
        type == typeof(int) ? "an integer (int)"
        : type == typeof(long) ? "an integer (long)"
        : type == typeof(bool) ? "true or false (bool)"
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? $"a number ({type.Name.ToLowerInvariant() switch { "single" => "float", var n => n }})"
        : type.Name;
}
