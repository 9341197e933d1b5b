using System.Text.Json.Nodes;
using RnnToolkit.Runner.Kernel;
using RnnToolkit.Runner.Notebooks;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class PapermillTests
{
    static RunnerOptions WithParameters(params (string Name, object? Value)[] parameters)
    {
        var options = new RunnerOptions();
        foreach (var (name, value) in parameters) options.Parameters.Add(new(name, value));
        return options;
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell_and_recorded()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder,
            WithParameters(("epochs", 7L), ("rate", 0.5), ("name", "run \"A\""), ("big", 5_000_000_000L), ("flag", true)),
            Markdown("# Title"),
            Code("var epochs = 1; var rate = 0.1; var name = \"default\"; long big = 0; var flag = false;", "parameters"),
            Code("$\"{epochs}|{rate}|{name}|{big}|{flag}|{epochs.GetType().Name}|{big.GetType().Name}\""));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        var cells = Cells(output);
        Assert.Equal("injected-parameters", (string)cells[2]!["metadata"]!["tags"]![0]!);
        Assert.Equal("// Parameters\nvar epochs = 7;\nvar rate = 0.5;\nvar name = \"run \\\"A\\\"\";\nvar big = 5000000000L;\nvar flag = true;\n",
            Text(cells[2]!["source"]));
        Assert.Equal("7|0.5|run \"A\"|5000000000|True|Int32|Int64", Text(Run.OutputsOf(output, "GetType")[0]!["data"]!["text/plain"]));
        var recorded = output["metadata"]!["papermill"]!["parameters"]!;
        Assert.Equal(7, (int)recorded["epochs"]!);
        Assert.Equal("run \"A\"", (string)recorded["name"]!);
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task Injection_replaces_an_earlier_injected_cell_and_without_a_parameters_cell_goes_on_top()
    {
        using var folder = new TempFolder();
        var (first, output) = await Run.NotebookAsync(folder, WithParameters(("x", 1L)), Code("x + 1"));
        Assert.Single(first.Warnings);
        Assert.Contains("parameters", first.Warnings[0]);
        Assert.Equal("injected-parameters", (string)Cells(output)[0]!["metadata"]!["tags"]![0]!);

        // Re-running the output with new parameters replaces the injected cell instead of adding one.
        var again = await NotebookRunner.RunAsync(folder.File("out.ipynb"), folder.File("out2.ipynb"), WithParameters(("x", 41L)));
        Assert.True(again.Succeeded);
        var cells = Cells(Read(folder.File("out2.ipynb")));
        Assert.Equal(2, cells.Count);
        Assert.Contains("<pre>42</pre>", Text(Run.OutputsOf(Read(folder.File("out2.ipynb")), "x + 1")[0]!["data"]!["text/html"]));
    }

    [Fact]
    public async Task Papermill_metadata_statuses_and_outputs_cleared_before_the_run()
    {
        using var folder = new TempFolder();
        var stale = Code("Console.WriteLine(\"fresh\");");
        stale["execution_count"] = 99;
        stale["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "stale\n" });
        var (result, output) = await Run.NotebookAsync(folder, null, Markdown("text"), stale, Code("1"));
        Assert.True(result.Succeeded);
        var cells = Cells(output);
        foreach (var cell in cells)
        {
            var pm = cell!["metadata"]!["papermill"]!;
            Assert.Equal("completed", (string)pm["status"]!);
            Assert.False((bool)pm["exception"]!);
            Assert.True((double)pm["duration"]! >= 0);
            Assert.EndsWith("+00:00", (string)pm["start_time"]!);
        }
        Assert.Equal(1, (int)cells[1]!["execution_count"]!);
        Assert.Equal("fresh\n", Text(cells[1]!["outputs"]![0]!["text"]));
        Assert.Single(cells[1]!["outputs"]!.AsArray());
        var notebookPm = output["metadata"]!["papermill"]!;
        Assert.Null(notebookPm["exception"]);
        Assert.Equal(folder.File("in.ipynb"), (string)notebookPm["input_path"]!);
        Assert.Equal(folder.File("out.ipynb"), (string)notebookPm["output_path"]!);
        Assert.Equal("2.6.0", (string)notebookPm["version"]!);
        Assert.NotNull(notebookPm["end_time"]);
    }

    [Fact]
    public async Task First_failing_cell_stops_the_run_with_papermill_error_cells()
    {
        using var folder = new TempFolder();
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("var ok = 1;"),
            Code("throw new Exception(\"bad\");"),
            Code("Console.WriteLine(\"never\");"));
        Assert.False(result.Succeeded);
        var cells = Cells(output);
        Assert.Equal(5, cells.Count);
        Assert.Equal("markdown", (string)cells[0]!["cell_type"]!);
        Assert.Equal("papermill-error-cell-tag", (string)cells[0]!["metadata"]!["tags"]![0]!);
        Assert.Contains("An Exception was encountered at '<a href=\"#papermill-error-cell\">In [2]</a>'.", Text(cells[0]!["source"]));
        Assert.Equal("papermill-error-cell-tag", (string)cells[2]!["metadata"]!["tags"]![0]!);
        Assert.Contains("<span id=\"papermill-error-cell\"", Text(cells[2]!["source"]));
        Assert.Contains("Execution using papermill encountered an exception here and stopped:", Text(cells[2]!["source"]));
        Assert.Equal("failed", (string)cells[3]!["metadata"]!["papermill"]!["status"]!);
        Assert.True((bool)cells[3]!["metadata"]!["papermill"]!["exception"]!);
        Assert.Equal("pending", (string)cells[4]!["metadata"]!["papermill"]!["status"]!);
        Assert.Empty(cells[4]!["outputs"]!.AsArray());
        Assert.Null(cells[4]!["execution_count"]);
        Assert.True((bool)output["metadata"]!["papermill"]!["exception"]!);
        Assert.Equal(3, result.FailedCell!.Index);
        Nbformat.AssertValid(folder.File("out.ipynb"));

        // Running the failed output again removes the old marker cells first.
        var rerun = await NotebookRunner.RunAsync(folder.File("out.ipynb"), folder.File("out2.ipynb"));
        Assert.Equal(5, Cells(Read(folder.File("out2.ipynb"))).Count);
        Assert.False(rerun.Succeeded);
    }

    [Fact]
    public async Task Execution_timeout_fails_the_cell_and_stops()
    {
        using var folder = new TempFolder();
        // The limit covers the cell's compilation too, which in a fresh process JIT-compiles the C# compiler (1-3 s here).
        var options = new RunnerOptions { ExecutionTimeout = TimeSpan.FromSeconds(8) };
        var (result, output) = await Run.NotebookAsync(folder, options,
            Code("Console.WriteLine(\"before\");\nSystem.Threading.Thread.Sleep(600000);\nConsole.WriteLine(\"late\");"),
            Code("1"));
        Assert.False(result.Succeeded);
        Assert.Equal(CellStatus.TimedOut, result.FailedCell!.Status);
        Assert.Equal("CellTimeoutError", result.FailedCell.ErrorName);
        var outputs = Run.OutputsOf(output, "Sleep");
        Assert.Equal("before\n", Text(outputs[0]!["text"]));
        Assert.Equal("CellTimeoutError", (string)outputs[1]!["ename"]!);
        Assert.StartsWith("A cell timed out while it was being executed, after 8 seconds.", (string)outputs[1]!["evalue"]!);
        Assert.Equal(2, outputs.Count);                                                   // nothing after the timeout ("late")
        Assert.Equal(CellStatus.Pending, result.Cells.Single(c => c.Source == "1").Status);  // and the next cell never ran
    }

    [Fact]
    public async Task Report_mode_hides_code_inputs_and_prepare_only_does_not_execute()
    {
        using var folder = new TempFolder();
        var input = Write(folder.File("in.ipynb"), Code("var a = 1;", "parameters"), Code("Console.WriteLine(a);"));
        var options = new RunnerOptions { ReportMode = true, PrepareOnly = true };
        options.Parameters.Add(new("a", 2L));
        var result = await NotebookRunner.RunAsync(input, folder.File("out.ipynb"), options);
        var output = Read(folder.File("out.ipynb"));
        var cells = Cells(output);
        Assert.Equal(3, cells.Count);
        Assert.All(cells, c => Assert.True((bool)c!["metadata"]!["jupyter"]!["source_hidden"]!));
        Assert.All(cells, c => Assert.Equal("pending", (string)c!["metadata"]!["papermill"]!["status"]!));
        Assert.All(cells, c => Assert.Empty(c!["outputs"]!.AsArray()));
        Assert.All(result.Cells, c => Assert.Null(c.ExecutionCount));
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task Input_is_not_modified_unless_it_is_also_the_output()
    {
        using var folder = new TempFolder();
        var input = Write(folder.File("in.ipynb"), Code("Console.WriteLine(\"x\");"));
        var before = File.ReadAllText(input);
        var result = await NotebookRunner.RunAsync(input, folder.File("out.ipynb"));
        Assert.True(result.Succeeded);
        Assert.Equal(before, File.ReadAllText(input));

        var inPlace = await NotebookRunner.RunAsync(input, input);
        Assert.True(inPlace.Succeeded);
        Assert.Equal("x\n", Text(Run.OutputsOf(Read(input), "WriteLine")[0]!["text"]));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp"));
    }

    [Fact]
    public async Task Notebook_without_kernel_metadata_and_old_minor_version_runs_and_gets_cell_ids()
    {
        using var folder = new TempFolder();
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = new JsonArray("var a = 2;\n", "a * 21"), ["outputs"] = new JsonArray(), ["execution_count"] = null },
                new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "done" }),
            ["metadata"] = new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 2,
        };
        var input = WriteNotebook(folder.File("plain.ipynb"), notebook);
        var result = await NotebookRunner.RunAsync(input, folder.File("out.ipynb"));
        Assert.True(result.Succeeded, result.FailedCell?.ErrorMessage);
        var output = Read(folder.File("out.ipynb"));
        Assert.Equal(5, (int)output["nbformat_minor"]!);
        Assert.All(Cells(output), c => Assert.False(string.IsNullOrEmpty((string?)c!["id"])));
        Assert.Contains("<pre>42</pre>", Text(Cells(output)[0]!["outputs"]![0]!["data"]!["text/html"]));
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task Non_csharp_and_invalid_notebooks_are_rejected_with_expected_and_given()
    {
        using var folder = new TempFolder();
        var python = Create(new[] { Code("print(1)") });
        python["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["language"] = "python" } };
        var e1 = await Assert.ThrowsAsync<NotebookFormatException>(() => NotebookRunner.RunAsync(WriteNotebook(folder.File("py.ipynb"), python), null));
        Assert.Contains("expected kernel .net-csharp", e1.Message);
        Assert.Contains("python", e1.Message);

        File.WriteAllText(folder.File("bad.ipynb"), "{ not json");
        var e2 = await Assert.ThrowsAsync<NotebookFormatException>(() => NotebookRunner.RunAsync(folder.File("bad.ipynb"), null));
        Assert.Contains("invalid JSON", e2.Message);

        File.WriteAllText(folder.File("v3.ipynb"), "{\"nbformat\": 3, \"worksheets\": []}");
        var e3 = await Assert.ThrowsAsync<NotebookFormatException>(() => NotebookRunner.RunAsync(folder.File("v3.ipynb"), null));
        Assert.Contains("expected \"nbformat\": 4, got 3", e3.Message);
    }

    [Fact]
    public async Task Output_json_is_nbformat_style_sorted_indent_one_non_ascii_kept()
    {
        using var folder = new TempFolder();
        var (_, _) = await Run.NotebookAsync(folder, null, Code("Console.WriteLine(\"héllo ✓\\nline2\");"));
        var text = File.ReadAllText(folder.File("out.ipynb"));
        Assert.StartsWith("{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",", text);
        Assert.Contains("héllo ✓", text);
        Assert.Contains("\"text\": [\n      \"héllo ✓\\n\",\n      \"line2\\n\"\n     ]", text);
        Assert.EndsWith("\"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n", text);
        var root = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(root.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal), root.Select(p => p.Key));
    }
}
