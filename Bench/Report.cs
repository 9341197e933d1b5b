namespace RnnToolkit.Bench;

/// <summary>Prints the figures side by side with PyTorch's and the targets of issues #2 and #3.</summary>
static class Report
{
    // Target: toolkit ≤ factor × reference. Reference "pytorch:X" is PyTorch's X in the same run; "toolkit:X" the toolkit's own X (auto path).
    static readonly Dictionary<string, (string Reference, double Factor)> targets = new()
    {
        ["lstm_train"] = ("pytorch:lstm_train", 0.8),
        ["gru_train"] = ("pytorch:gru_train", 1.0),
        ["rnn_train"] = ("pytorch:rnn_train", 1.0),
        ["lstm_infer"] = ("pytorch:lstm_infer", 0.35),
        ["peephole_train"] = ("toolkit:lstm_train", 1.2),
        ["peephole_matrix_train"] = ("toolkit:lstm_train", 1.2),
        ["gru_000_printed_train"] = ("toolkit:lstm_train", 1.2),
        ["gru_003_printed_train"] = ("toolkit:lstm_train", 1.2),
        ["gru_002_printed_train"] = ("toolkit:lstm_train", 1.2),
        ["mha_train"] = ("pytorch:mha_train", 0.6),
    };

    public static void Print(List<Figure> toolkit, Dictionary<string, double>? pytorch, BenchOptions o)
    {
        Console.WriteLine($"RnnToolkit benchmark — B=64, T=100, I=32, H=128, float32, {o.Threads} threads, median of {o.Iterations} (after {o.Warmup} warm-up)");
        Console.WriteLine();
        Console.WriteLine($"{"benchmark",-24} {"path",-7} {"toolkit ms",10} {"pytorch ms",10} {"ratio",7} {"target",16} {"met",4}");
        foreach (var f in toolkit)
        {
            double? py = f.PyTorchPeer is not null && pytorch is not null && pytorch.TryGetValue(f.PyTorchPeer, out var v) ? v : null;
            string target = "", met = "";
            double? ratio = py is null ? null : f.MedianMs / py;
            if (targets.TryGetValue(f.Name, out var t) && (f.Path == "auto" || !toolkit.Any(g => g.Name == f.Name && g.Path == "auto")))
            {
                var parts = t.Reference.Split(':');
                double? reference = parts[0] == "pytorch"
                    ? (pytorch is not null && pytorch.TryGetValue(parts[1], out var p) ? p : null)
                    : toolkit.FirstOrDefault(g => g.Name == parts[1] && g.Path == "auto")?.MedianMs;
                target = $"≤ {t.Factor:0.##}x {parts[0]} {parts[1]}".Replace("pytorch ", "py ").Replace("toolkit ", "tk ");
                if (reference is double r)
                {
                    ratio ??= f.MedianMs / r;
                    met = f.MedianMs <= t.Factor * r ? "yes" : "NO";
                }
            }
            Console.WriteLine($"{f.Name,-24} {f.Path,-7} {f.MedianMs,10:F1} {(py is null ? "" : py.Value.ToString("F1")),10} {(ratio is null ? "" : ratio.Value.ToString("F2")),7} {target,16} {met,4}");
        }
        if (pytorch is not null)
            foreach (var (name, ms) in pytorch.Where(p => !toolkit.Any(f => f.PyTorchPeer == p.Key)))
                Console.WriteLine($"{name,-24} {"",-7} {"",10} {ms,10:F1}");
    }
}
