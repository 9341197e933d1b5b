using System.Diagnostics;
using RnnToolkit.Runner.Tests.Support;
using Xunit.Abstractions;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

[CollectionDefinition("Benchmark", DisableParallelization = true)]
public class BenchmarkCollection
{
}

/// Prints start-up and per-cell overhead (targets: cold start to first cell ≤ 5 s without restore, ≤ 20 ms per
/// trivial cell). Runs alone so that other tests do not skew the numbers; asserts only loose bounds.
[Collection("Benchmark")]
public class BenchmarkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cold_start_and_per_cell_overhead()
    {
        using var folder = new TempFolder();
        const int cells = 80;
        var input = Write(folder.File("bench.ipynb"),
            Enumerable.Range(0, cells).Select(i => Code($"var v{i} = {i};")).ToArray());

        // Cold start: a fresh runner process until its kernel is ready for the first cell.
        var one = Write(folder.File("one.ipynb"), Code("1"));
        var watch = Stopwatch.StartNew();
        var cold = await RunnerProcess.RunAsync(one, folder.File("one.out.ipynb"));
        var coldTotal = watch.Elapsed;
        Assert.True(cold.Code == 0, cold.Err);
        var readyLine = cold.Err.Split('\n').Single(l => l.StartsWith("Kernel ready in", StringComparison.Ordinal));

        // Per-cell overhead, in-process (kernel already warm from other runs in this process): the wall time a trivial
        // cell adds to a run, the save after each cell included = (run time − kernel start-up) / cells.
        await NotebookRunner.RunAsync(one, folder.File("warm.out.ipynb"));
        watch.Restart();
        var result = await NotebookRunner.RunAsync(input, folder.File("bench.out.ipynb"));
        var allCells = watch.Elapsed;
        Assert.True(result.Succeeded);
        var perCell = (allCells - result.StartupTime).TotalMilliseconds / cells;
        var executions = result.Cells.Select(c => c.Duration.TotalMilliseconds).ToList();
        var median = executions.Skip(10).Order().ElementAt((cells - 10) / 2);

        var report = $"Benchmark: cold process run of a 1-cell notebook {coldTotal.TotalSeconds:0.00} s ({readyLine.Trim()}); " +
                     $"trivial cells: {perCell:0.0} ms wall per cell incl. the save after each cell " +
                     $"(execution: median {median:0.0} ms, mean {executions.Average():0.0} ms; kernel start-up {result.StartupTime.TotalMilliseconds:0} ms), {cells} cells";
        output.WriteLine(report);
        Console.Error.WriteLine(report);
        Assert.True(coldTotal < TimeSpan.FromSeconds(30), report);
        Assert.True(perCell < 200, report);
    }
}
