using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace RnnToolkit.Runner.Cli;

/// <summary>Converts command-line and YAML parameter values as papermill does.</summary>
static partial class ParameterValues
{
    [GeneratedRegex(@"^[-+]?\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Float();

    /// <summary>
    /// A <c>-p</c> value: <c>True</c>/<c>False</c> (any case) become bool, <c>None</c> null, integers long (int-sized
    /// ones are written as int), decimal numbers double; anything else stays a string.
    /// </summary>
    public static object? Resolve(string value)
    {
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)) return false;
        if (value == "None") return null;
        if (Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return value;
    }

    /// <summary>Reads a YAML mapping of parameter names to values.</summary>
    /// <exception cref="ArgumentException">The YAML is invalid or not a mapping.</exception>
    public static List<KeyValuePair<string, object?>> FromYaml(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new ArgumentException($"{source}: expected YAML mapping parameter names to values, got invalid YAML ({e.Message})", e);
        }
        var result = new List<KeyValuePair<string, object?>>();
        if (stream.Documents.Count == 0) return result;
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" or "null" }) return result;
        if (root is not YamlMappingNode mapping)
            throw new ArgumentException($"{source}: expected a YAML mapping of parameter names to values, got a {Describe(root)}.");
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
                throw new ArgumentException($"{source}: expected parameter names to be scalars, got a {Describe(key)}.");
            result.Add(new(name, Convert(value)));
        }
        return result;
    }

    static object? Convert(YamlNode node) => node switch
    {
        YamlScalarNode scalar => ConvertScalar(scalar),
        YamlSequenceNode seq => seq.Children.Select(Convert).ToList(),
        YamlMappingNode map => map.Children.ToDictionary(
            kv => (kv.Key as YamlScalarNode)?.Value ?? throw new ArgumentException("Expected scalar keys in a YAML mapping parameter."),
            kv => Convert(kv.Value)),
        _ => throw new ArgumentException($"Unsupported YAML node {node.NodeType}."),
    };

    static object? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return value;
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
            case ".nan" or ".NaN" or ".NAN": return double.NaN;
            case ".inf" or "+.inf" or ".Inf" or "+.Inf": return double.PositiveInfinity;
            case "-.inf" or "-.Inf": return double.NegativeInfinity;
        }
        if (Integer().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (Float().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        return value;
    }

    static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "sequence",
        YamlMappingNode => "mapping",
        YamlScalarNode s => $"scalar '{s.Value}'",
        _ => node.NodeType.ToString(),
    };
}
