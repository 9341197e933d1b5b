namespace RnnToolkit.Bench;

/// <summary>Prints the figures side by side with PyTorch's and the targets of issues #2 and #3.</summary>
static class Report
{
    // Target: toolkit ≤ factor × reference. Reference "pytorch:X" is PyTorch's X in the same run; "toolkit:X" the toolkit's own X
    // (auto path): the LSTM timed in alternation with the figure when the figure has one, else its own row.
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

    /// <summary>The table; with <paramref name="peak"/>, each row's percentage of the measured peaks too (GFLOP and GFLOP/s are printed either way).</summary>
    public static void Print(IReadOnlyList<Round> rounds, BenchOptions o, PeakFigures? peak = null)
    {
        string times = rounds.Count == 1 ? "" : $", {rounds.Count} rounds (medians across rounds; range = lowest–highest ratio of a round)";
        Console.WriteLine($"RnnToolkit benchmark — B=64, T=100, I=32, H=128, float32, {o.Threads} threads, median of {o.Iterations} (after {o.Warmup} warm-up){times}; load average {Peak.LoadAverage()}");
        Console.WriteLine("custom cells (≤ 1.2x tk lstm_train): iterations alternate with the toolkit's LSTM (auto), the ratio is to the LSTM's median in that alternation");
        Console.WriteLine("roofline: GFLOP = analytic FLOPs of one iteration (Bench/Flops.cs), GFLOP/s = GFLOP / toolkit ms; " +
            (peak is null ? "--peak adds % of this machine's measured peaks" : $"% of the FMA peak ({peak.Fma(o.Threads):F0}), the 1024³ GEMM peak ({peak.GemmLarge(o.Threads):F0}) and the step-GEMM peak ({peak.GemmStep(o.Threads):F0} GFLOP/s) at {Math.Min(o.Threads, 2)} threads"));
        Console.WriteLine();
        Console.WriteLine($"{"benchmark",-24} {"path",-10} {"toolkit ms",10} {"pytorch ms",10} {"ratio",7} {"range",11} {"target",16} {"met",4} {"GFLOP",6} {"GFLOP/s",7} {"%fma",5} {"%gemm",5} {"%step",5}");
        var first = rounds[0].Toolkit;
        foreach (var f in first)
        {
            double toolkitMs = Median(rounds.Select(r => Find(r, f.Name, f.Path)!.MedianMs));
            double? py = f.PyTorchPeer is null ? null : MedianOrNull(rounds.Select(r => Peer(r, f.PyTorchPeer)));
            string target = "";
            // The figure's ratio in each round: to PyTorch's peer, else to the target's reference (the toolkit's own LSTM).
            var reference = targets.TryGetValue(f.Name, out var t) && (f.Path == "auto" || !first.Any(g => g.Name == f.Name && g.Path == "auto")) ? t.Reference : null;
            if (reference is not null) target = $"≤ {t.Factor:0.##}x {reference.Replace(":", " ")}".Replace("pytorch ", "py ").Replace("toolkit ", "tk ");
            var perRound = rounds.Select(r => Find(r, f.Name, f.Path)!.MedianMs / (f.PyTorchPeer is not null ? Peer(r, f.PyTorchPeer) : ReferenceMs(r, reference, Find(r, f.Name, f.Path))) ?? double.NaN)
                .Where(v => !double.IsNaN(v)).ToList();
            double? ratio = perRound.Count > 0 ? Median(perRound) : null;
            double? targetRatio = reference is null ? null : MedianOrNull(rounds.Select(r => Find(r, f.Name, f.Path)!.MedianMs / ReferenceMs(r, reference, Find(r, f.Name, f.Path))));
            string met = targetRatio is double tr ? (tr <= t.Factor ? "yes" : "NO") : "";
            string range = perRound.Count > 1 ? $"{perRound.Min():F2}–{perRound.Max():F2}" : "";
            Console.WriteLine($"{f.Name,-24} {f.Path,-10} {toolkitMs,10:F1} {(py is null ? "" : py.Value.ToString("F1")),10} {(ratio is null ? "" : ratio.Value.ToString("F2")),7} {range,11} {target,16} {met,4} {Roofline(f.Name, toolkitMs, peak, o.Threads)}");
        }
        var pytorchNames = rounds.Where(r => r.PyTorch is not null).SelectMany(r => r.PyTorch!.Keys).Distinct();
        foreach (var name in pytorchNames.Where(n => !first.Any(f => f.PyTorchPeer == n)))
            Console.WriteLine($"{name,-24} {"",-10} {"",10} {Median(rounds.Select(r => Peer(r, name)).OfType<double>()),10:F1}");
    }

    /// <summary>GFLOP, GFLOP/s and the percentages of the peaks for a row of <paramref name="ms"/> milliseconds (blank without a formula).</summary>
    static string Roofline(string name, double ms, PeakFigures? peak, int threads)
    {
        if (Flops.Of(name, ToolkitBenchmarks.B, ToolkitBenchmarks.T, ToolkitBenchmarks.I, ToolkitBenchmarks.H) is not double flops) return "";
        double rate = flops / (ms / 1000) / 1e9;
        string Percent(double? of) => of is double p && p > 0 ? (100 * rate / p).ToString("F1") : "";
        return $"{flops / 1e9,6:F3} {rate,7:F1} {Percent(peak?.Fma(threads)),5} {Percent(peak?.GemmLarge(threads)),5} {Percent(peak?.GemmStep(threads)),5}";
    }

    static Figure? Find(Round r, string name, string path) => r.Toolkit.FirstOrDefault(g => g.Name == name && g.Path == path);

    static double? Peer(Round r, string name) => r.PyTorch is not null && r.PyTorch.TryGetValue(name, out var v) ? v : null;

    /// <summary>The reference of a target ("pytorch:X" or "toolkit:X", the toolkit's auto path) in one round: for "toolkit:lstm_train", the LSTM timed in alternation with <paramref name="figure"/> if it was.</summary>
    static double? ReferenceMs(Round r, string? reference, Figure? figure)
    {
        if (reference is null) return null;
        var parts = reference.Split(':');
        if (parts[0] == "pytorch") return Peer(r, parts[1]);
        return parts[1] == "lstm_train" && figure?.AlternatedLstmMs is double alternated ? alternated : Find(r, parts[1], "auto")?.MedianMs;
    }

    static double? MedianOrNull(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().ToList();
        return known.Count == 0 ? null : Median(known);
    }

    /// <summary>The median of <paramref name="values"/> (the mean of the middle two for an even count).</summary>
    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>One round: the toolkit's figures and PyTorch's (null without PyTorch), measured back to back.</summary>
sealed record Round(List<Figure> Toolkit, Dictionary<string, double>? PyTorch);
