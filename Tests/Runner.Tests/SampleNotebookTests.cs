using RnnToolkit.Runner.Cli;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

/// Runs the checked-in Polyglot notebooks in Notebooks/ the way CI would: a folder run with parameters and --html.
public class SampleNotebookTests
{
    [Fact]
    public async Task Folder_of_polyglot_notebooks_runs_with_parameters_and_reports()
    {
        using var folder = new TempFolder();
        var notebooks = Path.Combine(AppContext.BaseDirectory, "Notebooks");
        var inputsBefore = Directory.GetFiles(notebooks).ToDictionary(f => f, File.ReadAllText);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await RunnerCommandLine.RunAsync(
            new[] { notebooks, folder.Path, "-p", "steps", "5", "-p", "label", "sample run", "--html" }, stdout, stderr);

        Assert.Equal(ExitCodes.CellFailed, code);
        var table = stdout.ToString();
        Assert.Contains("01-progress.ipynb | passed", table);
        Assert.Contains("02-fails.ipynb    | failed", table);
        // 02-fails has no parameters cell: the parameters are injected on top, so the failing cell is In [3].
        Assert.Contains("In [3] var missing = data[10]; (System.IndexOutOfRangeException)", table);

        var progress = Read(Path.Combine(folder.Path, "01-progress.ipynb"));
        Nbformat.AssertValid(Path.Combine(folder.Path, "01-progress.ipynb"));
        Assert.Equal("injected-parameters", (string)Cells(progress)[2]!["metadata"]!["tags"]![0]!);
        var loop = Run.OutputsOf(progress, "progress.Update");
        Assert.Equal("step 5/5", Text(loop[0]!["data"]!["text/plain"]));
        Assert.Equal("sample run: 5 losses\n", Text(loop[1]!["text"]));
        var tableOutputs = Run.OutputsOf(progress, "DisplayTable");
        Assert.Contains("<table", Text(tableOutputs[0]!["data"]!["text/html"]));
        Assert.Contains("<pre>0.2</pre>", Text(tableOutputs[1]!["data"]!["text/html"]));

        var html = File.ReadAllText(Path.Combine(folder.Path, "01-progress.html"));
        Assert.Contains("<span class=\"math\">$\\mathcal{L} = \\frac{1}{n}\\sum_i (y_i - \\hat y_i)^2$</span>", html);
        Assert.True(File.Exists(Path.Combine(folder.Path, "02-fails.html")));
        Nbformat.AssertValid(Path.Combine(folder.Path, "02-fails.ipynb"));

        // Inputs are untouched.
        foreach (var (path, text) in inputsBefore) Assert.Equal(text, File.ReadAllText(path));
    }
}
