using System.Text.Json;
using System.Text.Json.Nodes;
using RnnToolkit.Runner.Cli;
using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class ProcessTests
{
    [Fact]
    public async Task Runner_process_exit_codes_are_0_1_and_2()
    {
        using var folder = new TempFolder();
        var ok = Write(folder.File("ok.ipynb"), Code("1 + 1"));
        var bad = Write(folder.File("bad.ipynb"), Code("1 +"));
        var passed = await RunnerProcess.RunAsync(ok, folder.File("ok.out.ipynb"));
        Assert.True(passed.Code == ExitCodes.Success, passed.Err);
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
}
