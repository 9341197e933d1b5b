using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using RnnToolkit.Runner;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// The live training chart end to end: a notebook run through Jupyter on the .net-csharp kernel, and by the runner,
/// trains a tiny model with <c>Fit</c> and <c>new LiveTrainingCurves()</c>; the executed notebook holds one display
/// output for the chart, replaced in place (update_display_data), whose final state is the last epoch's.
/// It runs in the "notebooks" collection, on the feed scripts/pack.sh builds for the series (artifacts/feed).
/// </summary>
[Collection("notebooks")]
public sealed partial class LiveTrainingNotebookTests(PackedFeed feed, JupyterKernel kernel) : IClassFixture<JupyterKernel>, IDisposable
{
    readonly PackedFeed feed = feed;
    readonly JupyterKernel kernel = kernel;
    readonly string packages = Path.Combine(Repository.Root, "artifacts", "feed");
    readonly string version = Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    readonly string folder = Directory.CreateTempSubdirectory("rnntoolkit-live-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(NotebookHosts.Jupyter)]
    [InlineData(NotebookHosts.Runner)]
    public async Task Fit_with_live_curves_leaves_one_display_output_holding_the_last_epoch(string host)
    {
        Assert.NotNull(feed);                                   // packed by the collection's fixture
        Assert.NotNull(kernel);
        const int epochs = 5;
        var input = NotebookHosts.Write(Path.Combine(folder, "live.ipynb"),
            $"#i \"nuget:{packages}\"\n#r \"nuget: RnnToolkit, {version}\"\n#r \"nuget: RnnToolkit.Formatters, {version}\"",
            ("using RnnToolkit.Training;\nusing RnnToolkit.Formatting;\nusing TorchSharp;\nusing static TorchSharp.torch;\n"
                + "RnnToolkit.Native.TorchSharpNative.EnsureLoaded();\nRnnToolkit.Formatters.Register();"),
            ("// LIVE-FIT\ntorch.random.manual_seed(1);\nvar model = nn.Sequential(nn.Linear(3, 1));\nvar x = torch.randn(32, 3);\nvar y = x.sum(1, keepdim: true);\n"
                + "var trainer = new Trainer(model, Losses.MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError()]);\n"
                + "var live = new LiveTrainingCurves();\n"
                + $"var history = trainer.Fit(x, y, new FitOptions {{ Epochs = {epochs}, BatchSize = 8, ValidationSplit = 0.25, Callbacks = [live], Verbose = 0 }});\n"
                + "Console.WriteLine($\"updates {live.Updates}\");"),
            ("// LOSSES\nConsole.WriteLine(string.Join(\";\", new[] { \"loss\", \"val_loss\", \"mae\" }.Select(k => k + \"=\" + string.Join(\",\", history[k].Select(v => v.ToString(\"R\", System.Globalization.CultureInfo.InvariantCulture))))));"));
        var executed = await NotebookHosts.ExecuteAsync(host, input, Path.Combine(folder, host));

        JsonArray OutputsOf(string marker) => NotebookHosts.OutputsOf(executed, marker);
        static string Text(JsonNode? node) => NotebookHosts.Text(node);

        // The losses Fit returned, as the next cell printed them.
        var printed = OutputsOf("// LOSSES").Where(o => (string)o!["output_type"]! == "stream").Select(o => Text(o!["text"])).Single().Trim();
        var history = printed.Split(';').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1].Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        Assert.Equal(epochs, history["loss"].Length);

        // One display output for the chart, not one per epoch, though it was shown once and updated every epoch.
        var outputs = OutputsOf("// LIVE-FIT");
        var display = Assert.Single(outputs, o => (string)o!["output_type"]! == "display_data")!;
        Assert.DoesNotContain(outputs, o => (string)o!["output_type"]! == "execute_result");
        Assert.Contains($"updates {epochs + 1}", outputs.Where(o => (string)o!["output_type"]! == "stream").Select(o => Text(o!["text"])).Single());

        // Its final state: the chart of all epochs, the loss trace holding Fit's losses.
        var html = Text(display["data"]!["text/html"]);
        var doc = new HtmlParser().ParseDocument("<html><body>" + html + "</body></html>");
        var script = doc.QuerySelectorAll("script").Select(s => s.TextContent).Single(s => s.Contains("Plotly.newPlot", StringComparison.Ordinal));
        using var data = JsonDocument.Parse(DataLine().Match(script).Groups[1].Value);
        var traces = data.RootElement.EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!);
        Assert.Equal(["loss", "val_loss", "mae", "val_mae"], traces.Keys.ToArray());
        Assert.Equal(Enumerable.Range(1, epochs).Select(e => (double)e).ToArray(), traces["loss"].GetProperty("x").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        foreach (var key in new[] { "loss", "val_loss", "mae" })
            Assert.Equal(history[key], traces[key].GetProperty("y").EnumerateArray().Select(e => e.GetDouble()).ToArray());
        using var layout = JsonDocument.Parse(LayoutLine().Match(script).Groups[1].Value);
        Assert.Equal("Training", layout.RootElement.GetProperty("title").GetProperty("text").GetString());

        // The image/svg+xml beside it is the final state too: the training loss and mae curves with every epoch.
        var svg = XDocument.Parse(Text(display["data"]!["image/svg+xml"])).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        var blue = svg.Descendants().Where(e => e.Name.LocalName == "polyline" && ((string?)e.Attribute("style") ?? "").Contains("stroke:rgb(31,119,180)", StringComparison.Ordinal))
            .Select(e => ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length).ToList();
        Assert.Equal(2, blue.Count(n => n == epochs));

        var (code, text) = Repository.Run("/usr/bin/python3", "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", executed);
        Assert.True(code == 0, $"executed notebook is not valid nbformat 4.5:\n{text}");
    }

    [GeneratedRegex(@"var data = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex DataLine();

    [GeneratedRegex(@"var layout = (.*);\s*$", RegexOptions.Multiline)]
    private static partial Regex LayoutLine();
}
