namespace RnnToolkit.Bench;

/// <summary>Command-line options of the benchmark.</summary>
sealed record BenchOptions(int Threads, int Iterations, int Warmup, string[]? Only, bool PyTorch, string? JsonPath, bool VanillaPyTorch = false, int Rounds = 1, bool Peak = false, bool Scaling = false)
{
    public bool Wants(string name) => Only is null || Only.Contains(name);

    public static BenchOptions? Parse(string[] args)
    {
        var o = new BenchOptions(2, 20, 5, null, true, null);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            try
            {
                o = args[i] switch
                {
                    "--threads" => o with { Threads = int.Parse(Next()) },
                    "--iterations" => o with { Iterations = int.Parse(Next()) },
                    "--warmup" => o with { Warmup = int.Parse(Next()) },
                    "--only" => o with { Only = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                    "--no-pytorch" => o with { PyTorch = false },
                    "--json" => o with { JsonPath = Next() },
                    "--vanilla-pytorch" => o with { VanillaPyTorch = true },
                    "--peak" => o with { Peak = true },
                    "--scaling" => o with { Scaling = true },
                    "--rounds" => o with { Rounds = int.Parse(Next()) is var n && n >= 1 ? n : throw new ArgumentException($"--rounds needs a whole number ≥ 1, got {n}") },
                    _ => throw new ArgumentException($"unknown option '{args[i]}'"),
                };
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                Console.Error.WriteLine($"bench: {e.Message}\nusage: bench [--threads N] [--iterations N] [--warmup N] [--only name,name] [--no-pytorch] [--vanilla-pytorch] [--rounds N] [--peak] [--scaling] [--json file]");
                return null;
            }
        }
        return o;
    }
}
