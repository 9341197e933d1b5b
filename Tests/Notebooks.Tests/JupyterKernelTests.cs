using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// Every notebook runs unmodified on the real .NET Interactive kernel through Jupyter (kernelspec .net-csharp,
/// nbclient, as papermill and Binder run it) with tools/notebooks/execute_jupyter.py, after the pack step:
/// no error output, every chart output also carries a static image, and the executed notebook is valid nbformat.
/// It runs in the "notebooks" collection (not in parallel with the runner-based notebook tests).
/// </summary>
[Collection("notebooks")]
public sealed class JupyterKernelTests(PackedFeed feed, JupyterKernel kernel) : IClassFixture<JupyterKernel>, IDisposable
{
    readonly PackedFeed feed = feed;
    readonly JupyterKernel kernel = kernel;
    readonly string output = Directory.CreateTempSubdirectory("rnntoolkit-jupyter-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    static string Text(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(x => (string)x!)),
        null => "",
        _ => (string)node!,
    };

    [Theory]
    [MemberData(nameof(NotebookExecutionTests.AllNotebooks), MemberType = typeof(NotebookExecutionTests))]
    public void Notebook_runs_unmodified_on_the_jupyter_kernel(string notebook)
    {
        Assert.NotNull(feed);
        Assert.NotNull(kernel);
        var input = Path.Combine(Repository.Notebooks, notebook);
        var (code, text) = JupyterKernel.Execute(output, input);
        Assert.True(code == 0, $"{notebook} failed on the Jupyter kernel (exit {code}):\n{text}");
        Assert.Contains($"PASS {notebook}", text);

        var executed = Path.Combine(output, notebook);
        var cells = JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray().Select(c => c!.AsObject()).ToList();
        var original = JsonNode.Parse(File.ReadAllText(input))!["cells"]!.AsArray().Select(c => Text(c!["source"])).ToList();
        Assert.Equal(original, cells.Select(c => Text(c["source"])).ToList());                 // ran as committed

        var codeCells = cells.Where(c => (string)c["cell_type"]! == "code").ToList();
        Assert.All(codeCells, c => Assert.NotNull(c["execution_count"]));                     // every cell ran
        var outputs = codeCells.SelectMany(c => c["outputs"]!.AsArray().Select(o => (Cell: cells.IndexOf(c), Output: o!.AsObject()))).ToList();
        var errors = outputs.Where(o => (string)o.Output["output_type"]! == "error").ToList();
        Assert.True(errors.Count == 0, $"{notebook}: error outputs in cells {string.Join(", ", errors.Select(e => e.Cell))}: {string.Join("\n", errors.Select(e => e.Output["evalue"]))}");

        // Chart outputs (HTML drawing a Plotly chart) also carry a static image, for renderers that run no script
        // (nbconvert to PDF, some viewers); an SVG must parse, a PNG must be one.
        foreach (var (cell, o) in outputs)
        {
            if (o["data"] is not JsonObject data || !Text(data["text/html"]).Contains("plotly", StringComparison.OrdinalIgnoreCase)) continue;
            var mimes = string.Join(", ", data.Select(kv => kv.Key));
            Assert.True(data.ContainsKey("image/svg+xml") || data.ContainsKey("image/png"),
                $"{notebook}, cell {cell}: a chart output has no static image (image/svg+xml or image/png), only {mimes}"
                + (Text(data["text/html"]).Contains("data:image/svg+xml", StringComparison.Ordinal) ? " (its HTML embeds an SVG <img>, but the output has no image mime type)" : ""));
            if (data.ContainsKey("image/svg+xml"))
                Assert.Equal("svg", XDocument.Parse(Text(data["image/svg+xml"])).Root!.Name.LocalName);
            if (data.ContainsKey("image/png"))
                Assert.Equal("PNG", System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(Text(data["image/png"]).Trim()), 1, 3));
        }

        var (valid, message) = Repository.Run("/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", executed);
        Assert.True(valid == 0, $"{notebook}: executed notebook is not valid nbformat 4.5:\n{message}");
    }

    /// <summary>Where the feed is not built, set-up 1/2 stops the notebook with the command that builds it
    /// (not a package-restore error further down).</summary>
    [Fact]
    public void Setup_cell_names_the_pack_command_when_the_feed_is_missing()
    {
        Assert.NotNull(kernel);
        // The index notebook in a folder with no ../artifacts/feed beside it.
        var folder = Directory.CreateDirectory(Path.Combine(output, "repo", "notebooks")).FullName;
        File.Copy(Path.Combine(Repository.Notebooks, "index.ipynb"), Path.Combine(folder, "index.ipynb"));
        var results = Directory.CreateDirectory(Path.Combine(output, "out")).FullName;
        var (code, text) = JupyterKernel.Execute(results, Path.Combine(folder, "index.ipynb"));
        Assert.True(code == 1, $"expected exit 1, got {code}:\n{text}");
        Assert.Contains("FAIL index.ipynb", text);

        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(results, "index.ipynb")))!["cells"]!.AsArray()
            .Where(c => (string)c!["cell_type"]! == "code").Select(c => c!.AsObject()).ToList();
        var error = Assert.Single(cells.SelectMany(c => c["outputs"]!.AsArray()), o => (string)o!["output_type"]! == "error")!;
        Assert.Contains(error, cells[0]["outputs"]!.AsArray());                               // set-up 1/2 failed ...
        Assert.All(cells.Skip(1), c => Assert.Null(c["execution_count"]));                      // ... and nothing ran after it
        var evalue = (string)error["evalue"]!;
        Assert.Contains("FileNotFoundException", evalue);
        Assert.Contains(Path.GetFullPath(Path.Combine(folder, "..", "artifacts", "feed")), evalue);   // the absolute folder it looked in
        Assert.Contains("bash scripts/pack.sh", evalue);
    }
}

/// <summary>The Jupyter side, installed once per test class by scripts/install-kernel.sh (idempotent: seconds when
/// present): nbclient and the pinned .NET Interactive kernel, kernelspec .net-csharp.</summary>
public sealed class JupyterKernel
{
    public JupyterKernel()
    {
        var (code, output) = Repository.Run("bash", "scripts/install-kernel.sh");
        if (code != 0) throw new InvalidOperationException($"scripts/install-kernel.sh failed ({code}):\n{output}");
    }

    /// <summary>Runs tools/notebooks/execute_jupyter.py on one notebook, writing the executed one to <paramref name="output"/>.</summary>
    public static (int ExitCode, string Output) Execute(string output, string notebook, int minutes = 10)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", ["tools/notebooks/execute_jupyter.py", output, notebook])
        { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        if (!process.WaitForExit(TimeSpan.FromMinutes(minutes)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"timed out after {watch.Elapsed}:\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
