using System.Text.Json;
using System.Text.RegularExpressions;

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

    static string Version => Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    /// <summary>The kernel resolves <c>#i "nuget:&lt;source&gt;"</c> only for absolute paths and URLs (a relative one fails
    /// with "Invalid URI", dotnet/interactive#3110): no code cell may add a relative source, as a directive or as code it submits.
    /// (The .dib sources are covered through <see cref="Notebooks_are_up_to_date_with_their_dib_sources"/>.)</summary>
    [Fact]
    public void No_notebook_adds_a_relative_package_source()
    {
        var notebooks = Directory.GetFiles(Repository.Notebooks, "*.ipynb");
        Assert.NotEmpty(notebooks);
        foreach (var notebook in notebooks)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(notebook));
            var lines = doc.RootElement.GetProperty("cells").EnumerateArray()
                .Where(c => c.GetProperty("cell_type").GetString() == "code")
                .SelectMany(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString())).Split('\n'))
                .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
            var sources = lines.SelectMany(line => Regex.Matches(line, @"#i\s+\\?""nuget:([^""\\]*)").Select(m => m.Groups[1].Value)).ToList();
            Assert.True(sources.Count > 0, $"{Path.GetFileName(notebook)} adds no package source (#i \"nuget:…\")");
            foreach (var source in sources)
            {
                bool ok = source == "{feed}"                                              // the set-up cell's absolute path
                    || Path.IsPathRooted(source)
                    || Uri.TryCreate(source, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
                Assert.True(ok, $"{Path.GetFileName(notebook)} adds the package source \"{source}\", which the kernel cannot resolve (not an absolute path or URL)");
            }
        }
    }

    /// <summary>
    /// The committed notebooks carry the outputs of a full run at their default parameters (scripts/update-notebooks.sh),
    /// so a reader on GitHub or nbviewer sees numbers and charts: every code cell ran, none failed, the final checks
    /// cell printed its table, every chart has its static image beside it, and plotly.js is never inlined.
    /// </summary>
    [Theory]
    [MemberData(nameof(NotebookExecutionTests.AllNotebooks), MemberType = typeof(NotebookExecutionTests))]
    public void Committed_notebook_carries_the_outputs_of_a_run_without_errors(string notebook)
    {
        var path = Path.Combine(Repository.Notebooks, notebook);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var code = doc.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
        const string rerun = "; run bash scripts/update-notebooks.sh";
        for (int i = 0; i < code.Count; i++)
        {
            Assert.True(code[i].GetProperty("execution_count").ValueKind == JsonValueKind.Number, $"{notebook}: code cell {i} has not run{rerun}");
            var outputs = code[i].GetProperty("outputs").EnumerateArray().ToList();
            Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
        }
        var data = code.SelectMany(c => c.GetProperty("outputs").EnumerateArray())
            .Where(o => o.TryGetProperty("data", out _)).Select(o => o.GetProperty("data")).ToList();
        Assert.True(data.Count > 0, $"{notebook} has no displayed outputs{rerun}");
        foreach (var d in data.Where(d => d.TryGetProperty("text/html", out var h) && Html(h).Contains("class=\"rnntk-chart", StringComparison.Ordinal)))
            Assert.True(d.TryGetProperty("image/svg+xml", out _), $"{notebook}: a chart without its static image");
        Assert.DoesNotContain(data, d => d.TryGetProperty("text/html", out var h) && Html(h).Contains("plotly.js v", StringComparison.Ordinal) && Html(h).Length > 1_000_000);
        // A list of anonymous objects left to the kernel's default formatter folds every row into "index / value ▶ {...}"
        // (a dni-treeview); the notebooks show such lists with .ToTable().
        Assert.DoesNotContain(data, d => d.TryGetProperty("text/html", out var h) && Html(h).Contains("dni-treeview", StringComparison.Ordinal));
        var last = string.Concat(code[^1].GetProperty("outputs").EnumerateArray().Select(o => o.ToString()));
        Assert.True(last.Contains("passed", StringComparison.Ordinal), $"{notebook}: the last cell shows no checks table{rerun}");
    }

    static string Html(JsonElement html) =>
        html.ValueKind == JsonValueKind.Array ? string.Concat(html.EnumerateArray().Select(s => s.GetString())) : html.GetString() ?? "";

    [Fact]
    public void Committed_outputs_stay_lean()
    {
        long bytes = Directory.GetFiles(Repository.Notebooks, "*.ipynb").Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= 8L * 1024 * 1024, $"the committed notebooks take {bytes / 1048576.0:F1} MB; at most 8 MB");
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
        var setup = Source(code[0]);
        Assert.Contains("scripts/pack.sh", setup);                                          // says how to build the packages
        // Set-up 1/2 adds the feed by its absolute path through the root kernel (the kernel rejects a relative #i) ...
        Assert.Contains("System.IO.Path.GetFullPath(System.IO.Path.Combine(\"..\", \"artifacts\", \"feed\"))", setup);
        Assert.Contains("Microsoft.DotNet.Interactive.Kernel.Root.SendAsync(new Microsoft.DotNet.Interactive.Commands.SubmitCode($\"#i \\\"nuget:{feed}\\\"\"))", setup);
        Assert.Contains("CommandFailed", setup);                                            // ... fails the cell if adding it failed ...
        // ... and first checks the package is there, failing with the command that builds it.
        Assert.Matches($@"File\.Exists\(System\.IO\.Path\.Combine\(feed, ""RnnToolkit\.{Regex.Escape(Version)}\.nupkg""\)\)", setup);
        Assert.Matches(@"throw new System\.IO\.FileNotFoundException\(.*run `bash scripts/pack\.sh`", setup);
        Assert.True(setup.IndexOf("File.Exists", StringComparison.Ordinal) < setup.IndexOf("SendAsync", StringComparison.Ordinal), "checks the feed before adding it");
        // ... tagged local-feed: the app export replaces it with a NuGet.config (Runner/README.md, "Notebooks as apps").
        Assert.Contains(code[0].GetProperty("metadata").GetProperty("tags").EnumerateArray(), t => t.GetString() == "local-feed");
        Assert.Contains($"#r \"nuget: RnnToolkit, {Version}\"", Source(code[1]));
        Assert.Contains($"#r \"nuget: RnnToolkit.Formatters, {Version}\"", Source(code[1]));
        Assert.DoesNotContain("#i", Source(code[1]));
        Assert.Contains(code, c => c.GetProperty("metadata").TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == "parameters"));
    }
}
