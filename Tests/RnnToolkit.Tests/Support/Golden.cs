using System.Text.Json;

namespace RnnToolkit.Tests.Support;

/// <summary>Reads the PyTorch reference files written by tools/pytorch (see its README).</summary>
public static class Golden
{
    static readonly Dictionary<string, JsonDocument> files = new();

    public static JsonElement File(string name)
    {
        lock (files)
        {
            if (!files.TryGetValue(name, out var doc))
                files[name] = doc = JsonDocument.Parse(System.IO.File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Goldens", name)));
            return doc.RootElement;
        }
    }

    public static IEnumerable<JsonElement> Cases(string file) => File(file).GetProperty("cases").EnumerateArray();

    public static JsonElement Case(string file, string name) => Cases(file).Single(c => c.GetProperty("name").GetString() == name);

    public static IEnumerable<object[]> CaseNames(string file, Func<JsonElement, bool>? where = null) =>
        Cases(file).Where(c => where?.Invoke(c) ?? true).Select(c => new object[] { c.GetProperty("name").GetString()! });

    public static bool IsNull(this JsonElement e, string property) =>
        !e.TryGetProperty(property, out var v) || v.ValueKind == JsonValueKind.Null;

    /// <summary>A float32 tensor from {"shape": [...], "data": [...]}.</summary>
    public static Tensor Tensor(this JsonElement e, string property)
    {
        var t = e.GetProperty(property);
        var shape = t.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray();
        var data = t.GetProperty("data").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return tensor(data, shape);
    }

    /// <summary>Copies the reference parameters into <paramref name="module"/>, asserting both name the same parameters.</summary>
    public static void LoadParameters(nn.Module module, JsonElement parameters)
    {
        var mine = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(parameters.EnumerateObject().Select(p => p.Name).OrderBy(n => n), mine.Keys.OrderBy(n => n));   // same names as PyTorch
        using var _ = no_grad();
        foreach (var p in parameters.EnumerateObject())
            mine[p.Name].copy_(parameters.Tensor(p.Name));
    }

    public static Tensor? TensorOrNull(this JsonElement e, string property) => e.IsNull(property) ? null : e.Tensor(property);
}
