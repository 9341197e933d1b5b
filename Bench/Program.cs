using System.Diagnostics;
using System.Text.Json;
using RnnToolkit.Bench;

// dotnet run -c Release --project Bench -- [--threads 2] [--iterations 20] [--warmup 5] [--only a,b] [--no-pytorch] [--rounds N] [--json out.json]
var options = BenchOptions.Parse(args);
if (options is null) return 2;

// Each round measures PyTorch first, alone (the two sides never share the CPU), then the toolkit. Several rounds
// alternate the sides, so a drift of the machine's speed shows up as a ratio range instead of a biased ratio.
var rounds = new List<Round>();
for (int r = 0; r < options.Rounds; r++)
{
    var pytorch = options.PyTorch ? PyTorchSide.Run(options) : null;
    rounds.Add(new Round(ToolkitBenchmarks.Run(options), pytorch));
}
Report.Print(rounds, options);
if (options.JsonPath is not null)
{
    string temp = options.JsonPath + ".tmp";
    File.WriteAllText(temp, JsonSerializer.Serialize(new { rounds, options.Threads, options.Iterations }, new JsonSerializerOptions { WriteIndented = true }));
    File.Move(temp, options.JsonPath, overwrite: true);
}
return 0;
