using System.Diagnostics;
using System.Text.Json;
using RnnToolkit.Bench;

// dotnet run -c Release --project Bench -- [--threads 2] [--iterations 20] [--warmup 5] [--only a,b] [--no-pytorch] [--json out.json]
var options = BenchOptions.Parse(args);
if (options is null) return 2;

Dictionary<string, double>? pytorch = null;
if (options.PyTorch)
    pytorch = PyTorchSide.Run(options);          // first, alone: the two sides never share the CPU

var toolkit = ToolkitBenchmarks.Run(options);
Report.Print(toolkit, pytorch, options);
if (options.JsonPath is not null)
{
    string temp = options.JsonPath + ".tmp";
    File.WriteAllText(temp, JsonSerializer.Serialize(new { toolkit, pytorch, options.Threads, options.Iterations }, new JsonSerializerOptions { WriteIndented = true }));
    File.Move(temp, options.JsonPath, overwrite: true);
}
return 0;
