using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RnnToolkit.Formatting;
using RnnToolkit.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Bench;

/// <summary>One scaling row of one side: median and fastest milliseconds per training iteration and the process's peak RSS growth during the row.</summary>
sealed record ScalingFigure(int T, int H, double MedianMs, double MinMs, double PeakMb);

/// <summary>One round of the scaling rows: the toolkit's and PyTorch's (null without PyTorch), measured back to back.</summary>
sealed record ScalingRound(List<ScalingFigure> Toolkit, Dictionary<string, (double Ms, double PeakMb)>? PyTorch);

/// <summary>
/// LSTM training (forward + backward of output.sum(), B = 64, I = 32, the default path) against the sequence length T at
/// H = 128 and against the hidden size H at T = 100, with the peak memory of each row: VmHWM of /proc/self/status
/// after the row minus VmRSS before it, the high-water mark reset (5 written to /proc/self/clear_refs) and freed
/// heap memory returned (malloc_trim) just before the row, with the layer and its input already built. So a row's
/// memory is what one training iteration holds at its peak (activations kept for backward, gradients, workspace).
/// tools/pytorch/bench.py --scaling measures PyTorch's rows the same way.
/// </summary>
static partial class Scaling
{
    const int B = 64, I = 32;

    /// <summary>The rows: T at H = 128, then H at T = 100 (T = 100, H = 128 once).</summary>
    public static readonly (int T, int H)[] Rows = [(50, 128), (100, 128), (400, 128), (1000, 128), (100, 64), (100, 256), (100, 512)];

    /// <summary>bench.py's name of a row.</summary>
    public static string Key(int t, int h) => $"lstm_train_T{t}_H{h}";

    /// <summary>Timed iterations of a row: the configured count scaled by the row's work relative to T = 100, H = 128, at least 3 (bench.py: the same rule).</summary>
    public static int Iterations(int configured, int t, int h) =>
        Math.Max(Math.Min(3, configured), Math.Min(configured, (int)Math.Round(configured * 100.0 * 128 * 128 / ((double)t * h * h))));

    /// <summary>Warm-up iterations of a row: a quarter of its timed ones, at least 1, at most the configured warm-up.</summary>
    public static int Warmup(int configured, int iterations) => Math.Min(configured, Math.Max(1, iterations / 4));

    public static List<ScalingFigure> RunToolkit(BenchOptions o)
    {
        Native.TorchSharpNative.EnsureLoaded();
        torch.set_num_threads(o.Threads);
        random.manual_seed(0);
        // Warm the process up as ToolkitBenchmarks does.
        {
            var warm = new Lstm(I, 128);
            using var xw = randn(B, 100, I);
            for (var start = Stopwatch.GetTimestamp(); Stopwatch.GetElapsedTime(start).TotalSeconds < 2;)
            {
                using var scope = NewDisposeScope();
                warm.call(xw).sum().backward();
            }
            warm.Dispose();
        }
        var figures = new List<ScalingFigure>();
        foreach (var (t, h) in Rows)
        {
            var layer = new Lstm(I, h);
            var x = randn(B, t, I);
            int iterations = Iterations(o.Iterations, t, h);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long baseline = ResetPeak();
            var times = new double[iterations];
            for (int i = -Warmup(o.Warmup, iterations); i < iterations; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using (var scope = NewDisposeScope())
                {
                    foreach (var p in layer.parameters()) p.grad = null;
                    layer.call(x).sum().backward();
                }
                if (i >= 0) times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            double peakMb = (StatusKb("VmHWM") - baseline) / 1024.0;
            var figure = new ScalingFigure(t, h, Report.Median(times), times.Min(), peakMb);
            Console.Error.WriteLine($"bench: scaling T={t} H={h} median {figure.MedianMs:F1} ms, peak +{peakMb:F1} MB ({iterations} iterations)");
            figures.Add(figure);
            x.Dispose();
            layer.Dispose();
        }
        return figures;
    }

    /// <summary>Returns freed heap memory to the system and resets VmHWM to the current RSS; returns that RSS in kB.</summary>
    static long ResetPeak()
    {
        MallocTrim(0);
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (IOException e) { Console.Error.WriteLine($"bench: cannot reset VmHWM ({e.Message}); peak memory is the process's"); }
        return StatusKb("VmRSS");
    }

    /// <summary>A kB field of /proc/self/status (0 elsewhere).</summary>
    static long StatusKb(string field)
    {
        if (!File.Exists("/proc/self/status")) return 0;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>The scaling table (medians across rounds, ratio range by round); with <paramref name="svgFolder"/>, the four charts too (SVGs written there).</summary>
    public static void Print(IReadOnlyList<ScalingRound> rounds, BenchOptions o, string? svgFolder)
    {
        Console.WriteLine($"LSTM training scaling — B=64, I=32, float32, default path, {o.Threads} threads, {rounds.Count} round(s), load average {Peak.LoadAverage()}");
        Console.WriteLine("ms = median per iteration (medians across rounds); MB = peak RSS growth during the row (VmHWM − VmRSS before it); GFLOP/s from Flops.Lstm (training = 3 × forward)");
        Console.WriteLine();
        Console.WriteLine($"{"T",5} {"H",4} {"toolkit ms",10} {"pytorch ms",10} {"ratio",6} {"range",10} {"tk ms/step",10} {"tk GFLOP/s",10} {"tk MB",7} {"py MB",7} {"tk KB/step",10}");
        var rows = new List<(int T, int H, double Tk, double? Py, double TkMb, double? PyMb)>();
        foreach (var (t, h) in Rows)
        {
            var tk = rounds.Select(r => r.Toolkit.First(f => f.T == t && f.H == h)).ToList();
            var py = rounds.Where(r => r.PyTorch is not null && r.PyTorch.ContainsKey(Key(t, h))).Select(r => r.PyTorch![Key(t, h)]).ToList();
            double tkMs = Report.Median(tk.Select(f => f.MedianMs)), tkMb = Report.Median(tk.Select(f => f.PeakMb));
            double? pyMs = py.Count > 0 ? Report.Median(py.Select(p => p.Ms)) : null, pyMb = py.Count > 0 ? Report.Median(py.Select(p => p.PeakMb)) : null;
            var ratios = rounds.Where(r => r.PyTorch is not null && r.PyTorch.ContainsKey(Key(t, h)))
                .Select(r => r.Toolkit.First(f => f.T == t && f.H == h).MedianMs / r.PyTorch![Key(t, h)].Ms).ToList();
            string range = ratios.Count > 1 ? $"{ratios.Min():F2}–{ratios.Max():F2}" : "";
            double gflops = 3 * Flops.Lstm(B, t, I, h) / (tkMs / 1000) / 1e9;
            Console.WriteLine($"{t,5} {h,4} {tkMs,10:F1} {(pyMs is double p ? p.ToString("F1") : ""),10} {(pyMs is double q ? (tkMs / q).ToString("F2") : ""),6} {range,10} {tkMs / t,10:F3} {gflops,10:F1} {tkMb,7:F1} {(pyMb is double m ? m.ToString("F1") : ""),7} {tkMb * 1024 / t,10:F0}");
            rows.Add((t, h, tkMs, pyMs, tkMb, pyMb));
        }
        if (svgFolder is null) return;
        string load = Peak.LoadAverage().Split(' ')[0];
        var byT = rows.Where(r => r.H == 128).OrderBy(r => r.T).ToList();
        var byH = rows.Where(r => r.T == 100).OrderBy(r => r.H).ToList();
        var charts = new (string File, string Title, string XTitle, string YTitle, List<(double X, double Tk, double? Py)> Points)[]
        {
            ("benchmark-scaling-time-T.svg", "LSTM training time vs T (H = 128)", "T (steps)", "ms per iteration", byT.Select(r => ((double)r.T, r.Tk, r.Py)).ToList()),
            ("benchmark-scaling-time-H.svg", "LSTM training time vs H (T = 100)", "H (hidden units)", "ms per iteration", byH.Select(r => ((double)r.H, r.Tk, r.Py)).ToList()),
            ("benchmark-scaling-memory-T.svg", "Peak memory vs T (H = 128)", "T (steps)", "MB (peak RSS growth)", byT.Select(r => ((double)r.T, r.TkMb, r.PyMb)).ToList()),
            ("benchmark-scaling-memory-H.svg", "Peak memory vs H (T = 100)", "H (hidden units)", "MB (peak RSS growth)", byH.Select(r => ((double)r.H, r.TkMb, r.PyMb)).ToList()),
        };
        Console.WriteLine();
        foreach (var (file, title, xTitle, yTitle, points) in charts)
        {
            var path = Path.Combine(svgFolder, file);
            File.WriteAllText(path, Chart($"{title}, load {load}", xTitle, yTitle, points));
            Console.WriteLine($"chart written to {path}");
        }
    }

    /// <summary>One scaling chart, drawn by the toolkit's own chart and static-image code (Charts.XY, StaticPlot); a side without figures is left out.</summary>
    static string Chart(string title, string xTitle, string yTitle, List<(double X, double Tk, double? Py)> points)
    {
        var series = new List<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> { ("toolkit", points.Select(p => p.X).ToList(), points.Select(p => p.Tk).ToList()) };
        var py = points.Where(p => p.Py is not null).ToList();
        if (py.Count > 0) series.Add(("PyTorch 1.13", py.Select(p => p.X).ToList(), py.Select(p => p.Py!.Value).ToList()));
        return StaticPlot.ToSvg(Charts.XY(series, title, xTitle, yTitle), 720, 420);
    }
}
