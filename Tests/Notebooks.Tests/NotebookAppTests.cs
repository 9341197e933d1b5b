using System.Text.RegularExpressions;
using RnnToolkit.Runner.Cli;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>
/// Notebooks as .NET file-based apps end to end (<c>dotnet run app.cs</c>, no notebook front end): the committed index
/// app, and an exported notebook that trains with live curves and shows its history chart, each run with parameters
/// from its command line; their reports hold the outputs, the charts' static images, and the run's status.
/// It runs in the "notebooks" collection, on the feed scripts/pack.sh builds (artifacts/feed).
/// </summary>
[Collection("notebooks")]
public sealed class NotebookAppTests(PackedFeed feed) : IDisposable
{
    readonly PackedFeed feed = feed;
    readonly string folder = Directory.CreateTempSubdirectory("rnntoolkit-apps-").FullName;
    readonly string version = Regex.Match(File.ReadAllText(Path.Combine(Repository.Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static (int ExitCode, string Output) RunApp(string app, params string[] parameters) =>
        Repository.Run("dotnet", ["run", "--no-cache", app, "--", .. parameters]);

    [Fact]
    public void The_index_app_runs_with_a_seed_from_its_command_line_and_reports_its_tables_and_a_passed_run()
    {
        Assert.NotNull(feed);
        var app = Path.Combine(Repository.Notebooks, "apps", "index.cs");
        var report = Path.ChangeExtension(app, ".html");
        File.Delete(report);
        var (code, output) = RunApp(app, "--seed", "7");
        Assert.True(code == 0, output);
        Assert.Contains("seed 7", output);                                           // the parameter reached the code
        Assert.Contains("HTML report: " + report, output);
        var html = File.ReadAllText(report);
        Assert.Matches(@"<header class=""run""><p><strong>index</strong> — passed", html);
        Assert.Contains("<td>seed</td><td><code>7</code></td>", html);               // the parameters table
        Assert.Contains("<h1", html);                                                 // the markdown, rendered
        Assert.Contains("peephole LSTM (matrix, as printed)", html);                  // the tables
        Assert.DoesNotContain("class=\"output error\"", html);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(app)!, "*.tmp"));
    }

    [Fact]
    public void A_committed_training_notebook_app_runs_and_its_report_holds_the_charts_and_passed_checks()
    {
        // 001 trains its models, draws charts and ends with its checks cell, at its default parameters.
        Assert.NotNull(feed);
        var app = Path.Combine(Repository.Notebooks, "apps", "001-rnn-in-depth.cs");
        var report = Path.ChangeExtension(app, ".html");
        File.Delete(report);
        var (code, output) = RunApp(app);
        Assert.True(code == 0, output);
        var html = File.ReadAllText(report);
        Assert.Matches(@"<header class=""run""><p><strong>001-rnn-in-depth</strong> — passed", html);
        Assert.True(Regex.Matches(html, "<img class=\"rnntk-static\" alt=\"chart\" src=\"data:image/svg\\+xml;base64,").Count >= 2, "the charts' static images");
        Assert.Contains("passed", output);                                            // the checks table printed to the console
        Assert.DoesNotContain("class=\"output error\"", html);
    }

    [Fact]
    public async Task An_exported_notebook_trains_with_live_curves_and_its_report_holds_the_charts()
    {
        Assert.NotNull(feed);
        var notebook = NotebookHosts.Write(Path.Combine(folder, "train.ipynb"),
            "// tags: local-feed\n// the notebook adds the feed here",
            $"#r \"nuget: RnnToolkit, {version}\"\n#r \"nuget: RnnToolkit.Formatters, {version}\"",
            "// tags: parameters\nvar epochs = 5;",
            "using RnnToolkit.Training;\nusing RnnToolkit.Formatting;\nusing TorchSharp;\nusing static TorchSharp.torch;\n"
                + "RnnToolkit.Native.TorchSharpNative.EnsureLoaded();\nRnnToolkit.Formatters.Register();\n"
                + "torch.random.manual_seed(1);\nvar model = nn.Sequential(nn.Linear(3, 1));\nvar x = torch.randn(32, 3);\nvar y = x.sum(1, keepdim: true);\n"
                + "var trainer = new Trainer(model, Losses.MeanSquaredError(), metrics: [Metrics.MeanAbsoluteError()]);\n"
                + "var live = new LiveTrainingCurves();\n"
                + "var history = trainer.Fit(x, y, new FitOptions { Epochs = epochs, BatchSize = 8, ValidationSplit = 0.25, Callbacks = [live], Verbose = 0 });\nhistory",
            "if (history[\"loss\"].Count() != epochs) throw new Exception(\"expected one loss per epoch\");\nConsole.WriteLine(\"CHECKS PASSED\");");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(notebook))!;
        json["cells"]![0]!["metadata"]!["tags"] = new System.Text.Json.Nodes.JsonArray("local-feed");
        json["cells"]![2]!["metadata"]!["tags"] = new System.Text.Json.Nodes.JsonArray("parameters");
        File.WriteAllText(notebook, json.ToJsonString());
        var apps = Path.Combine(folder, "apps");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exported = await RunnerCommandLine.RunAsync(["export", notebook, "--to", "app", apps, "--feed", Path.Combine(Repository.Root, "artifacts", "feed")], stdout, stderr);
        Assert.True(exported == 0, stderr.ToString());
        var app = Path.Combine(apps, "train.cs");

        var (bad, badOutput) = RunApp(app, "--epochs", "two");
        Assert.Equal(2, bad);
        Assert.Contains("error: parameter --epochs: expected an integer (int), got 'two'.", badOutput);

        var (code, output) = RunApp(app, "--epochs", "2");
        Assert.True(code == 0, output);
        Assert.Contains("CHECKS PASSED", output);
        var html = File.ReadAllText(Path.Combine(apps, "train.html"));
        Assert.Matches(@"<header class=""run""><p><strong>train</strong> — passed", html);
        Assert.Contains("<td>epochs</td><td><code>2</code></td>", html);
        // Two charts (the live curves, updated in place to the last epoch, and the trailing history), each with its static image.
        Assert.Equal(2, Regex.Matches(html, "<img class=\"rnntk-static\" alt=\"chart\" src=\"data:image/svg\\+xml;base64,").Count);
        Assert.Contains("CHECKS PASSED", html);                                       // console text, in its cell
        Assert.DoesNotContain("class=\"output error\"", html);
    }
}
