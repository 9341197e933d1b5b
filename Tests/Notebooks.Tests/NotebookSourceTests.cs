using System.Text.Json;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>The committed notebooks are built from their sources and carry what Polyglot Notebooks and papermill need.</summary>
public sealed class NotebookSourceTests
{
    [Fact]
    public void Notebooks_are_up_to_date_with_their_dib_sources()
    {
        var (code, output) = Repository.Run("python3", "tools/notebooks/build.py", "--check");
        Assert.True(code == 0, output);
    }

    [Theory]
    [MemberData(nameof(NotebookExecutionTests.AllNotebooks), MemberType = typeof(NotebookExecutionTests))]
    public void Notebook_has_polyglot_metadata_setup_cells_and_a_parameters_cell(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, notebook)));
        var root = doc.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        Assert.Equal(5, root.GetProperty("nbformat_minor").GetInt32());
        Assert.Equal(".net-csharp", root.GetProperty("metadata").GetProperty("kernelspec").GetProperty("name").GetString());
        Assert.Equal("csharp", root.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelInfo").GetProperty("defaultKernelName").GetString());
        var code = root.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
        Assert.All(code, c => Assert.Equal("csharp", c.GetProperty("metadata").GetProperty("polyglot_notebook").GetProperty("kernelName").GetString()));
        string Source(JsonElement c) => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString()));
        Assert.Contains("scripts/pack.sh", Source(code[0]));                               // says how to build the packages
        Assert.Contains("#i \"nuget:../artifacts/feed\"", Source(code[1]));
        Assert.Contains("#r \"nuget: RnnToolkit, ", Source(code[1]));
        Assert.Contains(code, c => c.GetProperty("metadata").TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));
    }
}
