using System.Diagnostics;
using System.Text.Json;
using RnnToolkit.Bench;

// dotnet run -c Release --project Bench -- [--threads 2] [--iterations 20] [--warmup 5] [--only a,b] [--no-pytorch] [--rounds N] [--peak] [--scaling] [--json out.json]
var options = BenchOptions.Parse(args);
if (options is null) return 2;

// --scaling: only the LSTM training rows against T and H with peak memory (the default run stays as long as it was),
// alternating PyTorch's side and the toolkit's as the main table does; the charts go to docs/ when run from the repository.
if (options.Scaling)
{
    var scalingRounds = new List<ScalingRound>();
    for (int r = 0; r < options.Rounds; r++)
    {
        var pytorch = options.PyTorch ? PyTorchSide.RunScaling(options) : null;
        scalingRounds.Add(new ScalingRound(Scaling.RunToolkit(options), pytorch));
    }
    string? docs = Directory.Exists("docs") && Directory.Exists("Bench") ? "docs" : null;
    Scaling.Print(scalingRounds, options, docs);
    if (options.JsonPath is not null)
        File.WriteAllText(options.JsonPath, JsonSerializer.Serialize(scalingRounds.Select(r => new { r.Toolkit, PyTorch = r.PyTorch?.ToDictionary(p => p.Key, p => new { p.Value.Ms, p.Value.PeakMb }) }), new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

// --peak: this machine's measured FMA and GEMM peaks first, then the table with each row's percentage of them.
PeakFigures? peak = null;
if (options.Peak)
{
    peak = Peak.Measure(options.Threads);
    Peak.Print(peak);
}

// Each round measures PyTorch first, alone (the two sides never share the CPU), then the toolkit. Several rounds
// alternate the sides, so a drift of the machine's speed shows up as a ratio range instead of a biased ratio.
var rounds = new List<Round>();
for (int r = 0; r < options.Rounds; r++)
{
    var pytorch = options.PyTorch ? PyTorchSide.Run(options) : null;
    rounds.Add(new Round(ToolkitBenchmarks.Run(options), pytorch));
}
Report.Print(rounds, options, peak);
if (options.JsonPath is not null)
{
    string temp = options.JsonPath + ".tmp";
    File.WriteAllText(temp, JsonSerializer.Serialize(new { rounds, options.Threads, options.Iterations, peak }, new JsonSerializerOptions { WriteIndented = true }));
    File.Move(temp, options.JsonPath, overwrite: true);
}
return 0;
