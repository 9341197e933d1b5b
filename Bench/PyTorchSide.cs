using System.Diagnostics;
using System.Text.Json;

namespace RnnToolkit.Bench;

/// <summary>Runs tools/pytorch/bench.py (Debian's python3-torch with OpenBLAS) with the same shapes and threads.</summary>
static class PyTorchSide
{
    public static Dictionary<string, double>? Run(BenchOptions options)
    {
        string? script = FindScript();
        if (script is null || !File.Exists("/usr/bin/python3"))
        {
            Console.Error.WriteLine("bench: PyTorch side skipped (needs /usr/bin/python3 with python3-torch and tools/pytorch/bench.py; run tools/pytorch/setup.sh)");
            return null;
        }
        List<string> arguments = [script, "--threads", options.Threads.ToString(), "--iterations", options.Iterations.ToString(), "--warmup", options.Warmup.ToString()];
        if (options.Only is not null)
        {
            // Only PyTorch's peers of the requested figures (bench.py knows these names).
            string[] known = ["lstm_train", "gru_train", "rnn_train", "lstm_infer", "mha_train"];
            var wanted = known.Where(options.Wants).ToList();
            if (wanted.Count == 0) return null;
            arguments.AddRange(["--only", string.Join(",", wanted)]);
        }
        using var doc = RunScript(script, arguments, options);
        return doc?.RootElement.GetProperty("median_ms").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    /// <summary>bench.py --scaling: the LSTM training rows of <see cref="Scaling"/>, median milliseconds and peak memory growth (MB) by row key.</summary>
    public static Dictionary<string, (double Ms, double PeakMb)>? RunScaling(BenchOptions options)
    {
        string? script = FindScript();
        if (script is null || !File.Exists("/usr/bin/python3"))
        {
            Console.Error.WriteLine("bench: PyTorch side skipped (needs /usr/bin/python3 with python3-torch and tools/pytorch/bench.py; run tools/pytorch/setup.sh)");
            return null;
        }
        using var doc = RunScript(script, [script, "--scaling", "--threads", options.Threads.ToString(), "--iterations", options.Iterations.ToString(), "--warmup", options.Warmup.ToString()], options);
        return doc?.RootElement.GetProperty("scaling").EnumerateObject()
            .ToDictionary(p => p.Name, p => (p.Value.GetProperty("median_ms").GetDouble(), p.Value.GetProperty("peak_mb").GetDouble()));
    }

    static JsonDocument? RunScript(string script, List<string> arguments, BenchOptions options)
    {
        var start = new ProcessStartInfo("/usr/bin/python3", arguments)
        {
            RedirectStandardOutput = true,
        };
        // The same malloc thresholds the toolkit sets in-process (Toolkit/Native/MallocTuning.cs): without them glibc
        // returns and re-faults PyTorch's large buffers too, and its medians wander 2x between runs on an idle machine
        // (multi-head attention 53–131 ms); with them they repeat within a few percent. --vanilla-pytorch leaves them off.
        if (!options.VanillaPyTorch)
        {
            start.Environment["MALLOC_MMAP_THRESHOLD_"] = (32 << 20).ToString();
            start.Environment["MALLOC_TRIM_THRESHOLD_"] = (1 << 30).ToString();
        }
        Console.Error.WriteLine($"bench: running PyTorch side: {script}");
        using var process = Process.Start(start)!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"bench: PyTorch side failed with exit code {process.ExitCode}");
            return null;
        }
        var doc = JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("openblas", out var ob) && !ob.GetBoolean())
            Console.Error.WriteLine("bench: WARNING PyTorch is not using OpenBLAS; its figures are not a fair peer (run tools/pytorch/setup.sh)");
        return doc;
    }

    static string? FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tools", "pytorch", "bench.py");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
