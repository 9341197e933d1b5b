using System.Text.Json;
using System.Text.Json.Nodes;
using RnnToolkit.Runner.Cli;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class ProcessTests
{
    [Fact]
    public async Task Runner_process_exit_codes_are_1_and_2()
    {
        using var folder = new TempFolder();
        var ok = Write(folder.File("ok.ipynb"), Code("1 + 1"));
        var bad = Write(folder.File("bad.ipynb"), Code("1 +"));
        // Exit code 0 from a real process is checked by the benchmark's cold-start run.
        var failed = await RunnerProcess.RunAsync(bad, folder.File("bad.out.ipynb"));
        Assert.Equal(ExitCodes.CellFailed, failed.Code);
        var usage = await RunnerProcess.RunAsync(ok, "-p", "x");
        Assert.Equal(ExitCodes.Usage, usage.Code);
        Nbformat.AssertValid(folder.File("bad.out.ipynb"));
    }

    [Fact]
    public async Task A_run_killed_mid_notebook_leaves_a_valid_notebook_with_finished_cells()
    {
        using var folder = new TempFolder();
        var input = Write(folder.File("long.ipynb"),
            Code("Console.WriteLine(\"first cell done\");"),
            Code("System.Threading.Thread.Sleep(120000);"),
            Code("Console.WriteLine(\"never\");"));
        var output = folder.File("long.out.ipynb");
        using var process = RunnerProcess.Start(input, output);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? seen = null;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            if (!File.Exists(output)) continue;
            try
            {
                var nb = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
                if ((string?)Cells(nb)[1]!["metadata"]!["papermill"]!["status"] == "running")
                {
                    seen = nb;
                    break;
                }
            }
            catch (JsonException e)
            {
                Assert.Fail("The output notebook was half-written: " + e.Message);
            }
        }
        Assert.NotNull(seen);
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        Nbformat.AssertValid(output);
        var final = Read(output);
        Assert.Equal("completed", (string)Cells(final)[0]!["metadata"]!["papermill"]!["status"]!);
        Assert.Equal("first cell done\n", Text(Cells(final)[0]!["outputs"]![0]!["text"]));
        Assert.Equal("pending", (string)Cells(final)[2]!["metadata"]!["papermill"]!["status"]!);
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Partial_outputs_of_a_long_cell_are_saved_periodically()
    {
        using var folder = new TempFolder();
        var input = Write(folder.File("slow.ipynb"),
            Code("Console.WriteLine(\"early\");\nSystem.Threading.Thread.Sleep(600);\nConsole.WriteLine(\"mid\");\nSystem.Threading.Thread.Sleep(2500);\nConsole.WriteLine(\"end\");"));
        var output = folder.File("slow.out.ipynb");
        var options = new RunnerOptions { AutosaveInterval = TimeSpan.FromMilliseconds(200) };
        var run = NotebookRunner.RunAsync(input, output, options);
        string? seenWhileRunning = null;
        while (!run.IsCompleted)
        {
            await Task.Delay(50);
            if (!File.Exists(output)) continue;
            var nb = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
            var cell = Cells(nb)[0]!;
            if ((string?)cell["metadata"]!["papermill"]!["status"] == "running" && cell["outputs"]!.AsArray().Count > 0)
            {
                // A save between "mid" and "end": the partial output. (A save after "end" but before the cell's status
                // turns to completed may also be seen; it says nothing about periodic saving, so it is skipped.)
                var text = Text(cell["outputs"]![0]!["text"]);
                if (text.Contains("mid") && !text.Contains("end")) seenWhileRunning = text;
            }
        }
        var result = await run;
        Assert.True(result.Succeeded);
        Assert.Equal("early\nmid\n", seenWhileRunning);
        Assert.Equal("early\nmid\nend\n", Text(Cells(Read(output))[0]!["outputs"]![0]!["text"]));
    }
}
