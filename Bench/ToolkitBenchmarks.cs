using System.Diagnostics;
using RnnToolkit.Cells;
using RnnToolkit.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Bench;

/// <summary>One measured figure: median milliseconds per iteration.</summary>
sealed record Figure(string Name, string Path, double MedianMs, double MinMs, string? PyTorchPeer, double? AlternatedLstmMs = null);

/// <summary>The toolkit's side: the same shapes as tools/pytorch/bench.py (B=64, T=100, I=32, H=128).</summary>
static class ToolkitBenchmarks
{
    public const int B = 64, T = 100, I = 32, H = 128;

    public static List<Figure> Run(BenchOptions o)
    {
        Native.TorchSharpNative.EnsureLoaded();
        torch.set_num_threads(o.Threads);
        random.manual_seed(0);
        var x = randn(B, T, I);
        var figures = new List<Figure>();
        // Warm the process up (allocator, thread pool, lazy libtorch initialization) before the first figure.
        var warm = new Lstm(I, H);
        for (var start = Stopwatch.GetTimestamp(); Stopwatch.GetElapsedTime(start).TotalSeconds < 2;)
        {
            using var scope = NewDisposeScope();
            warm.call(x).sum().backward();
        }

        Action TrainStep(RecurrentLayer layer, Tensor? input) => () =>
        {
            using var scope = NewDisposeScope();
            foreach (var p in layer.parameters()) p.grad = null;
            layer.call(input ?? x).sum().backward();
        };

        void Train(string name, string path, RecurrentLayer layer, string? peer)
        {
            if (o.Wants(name)) figures.Add(Measure(name, path, peer, o, TrainStep(layer, null)));
        }

        void Infer(string name, string path, RecurrentLayer layer, string? peer)
        {
            if (!o.Wants(name)) return;
            figures.Add(Measure(name, path, peer, o, () =>
            {
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                layer.call(x);
            }));
        }

        foreach (var backend in new[] { RecurrentBackend.Auto, RecurrentBackend.Fused, RecurrentBackend.Kernels, RecurrentBackend.Cells })
        {
            string path = backend.ToString().ToLowerInvariant();
            Train("lstm_train", path, new Lstm(I, H) { Backend = backend }, "lstm_train");
            Train("gru_train", path, new Gru(I, H) { Backend = backend }, "gru_train");
            Train("rnn_train", path, new Rnn(I, H) { Backend = backend }, "rnn_train");
            Infer("lstm_infer", path, new Lstm(I, H) { Backend = backend }, "lstm_infer");
        }
        // The same kernels with libtorch's products instead of the toolkit's own AVX-512 product (the path before it).
        void WithLibtorchProducts(string name, RecurrentLayer layer)
        {
            if (!o.Wants(name)) return;
            var step = TrainStep(layer, null);
            figures.Add(Measure(name, "kernels-lt", name, o, () =>
            {
                Kernels.PackedMatrix.Force = false;
                try { step(); }
                finally { Kernels.PackedMatrix.Force = null; }
            }));
        }
        WithLibtorchProducts("lstm_train", new Lstm(I, H) { Backend = RecurrentBackend.Kernels });
        WithLibtorchProducts("gru_train", new Gru(I, H) { Backend = RecurrentBackend.Kernels });
        WithLibtorchProducts("rnn_train", new Rnn(I, H) { Backend = RecurrentBackend.Kernels });
        // The custom cells against the toolkit's LSTM (auto): their iterations alternate with the LSTM's, so the
        // ratio compares the two at the same moments (blocks timed seconds apart drift by ±15 % here).
        var lstm = new Lstm(I, H);
        void TrainBesideLstm(string name, RecurrentLayer layer, Tensor? input = null)
        {
            if (!o.Wants(name)) return;
            var (cell, reference) = (TrainStep(layer, input), TrainStep(lstm, null));
            for (int i = 0; i < o.Warmup; i++) { cell(); reference(); }
            var (times, lstmTimes) = (new double[o.Iterations], new double[o.Iterations]);
            for (int i = 0; i < o.Iterations; i++)
            {
                times[i] = Time(cell);
                lstmTimes[i] = Time(reference);
            }
            var figure = Summarize(name, "kernels", null, times) with { AlternatedLstmMs = Report.Median(lstmTimes) };
            Console.Error.WriteLine($"bench: {name} beside lstm_train [auto] median {figure.AlternatedLstmMs:F1} ms");
            figures.Add(figure);
        }
        TrainBesideLstm("peephole_train", new Recurrent(new PeepholeLstmCell(I, H)));
        TrainBesideLstm("peephole_matrix_train", new Recurrent(new PeepholeLstmCell(I, H, PeepholeForm.Matrix)));
        TrainBesideLstm("gru_000_printed_train", new Recurrent(new Gru000AsPrintedCell(I, H)));
        TrainBesideLstm("gru_003_printed_train", new Recurrent(new Gru003AsPrintedCell(I, H)));
        TrainBesideLstm("gru_002_printed_train", new Recurrent(new Gru002AsPrintedCell(H, H)), randn(B, T, H));   // 002 shares W_hh between x and h: I = H

        // Multi-head self-attention, model 128, 4 heads, on (64, 100, 128): "weights" returns the per-head weights
        // (explicit softmax, the default), "fused" asks for none with FusedKernel on (libtorch's scaled_dot_product_attention).
        if (o.Wants("mha_train"))
        {
            var mha = new Attention.MultiHeadAttention(H, 4);
            var xm = randn(B, T, H);
            foreach (var needWeights in new[] { true, false })
                figures.Add(Measure("mha_train", needWeights ? "weights" : "fused", "mha_train", o, () =>
                {
                    using var scope = NewDisposeScope();
                    foreach (var p in mha.parameters()) p.grad = null;
                    mha.FusedKernel = !needWeights;
                    mha.Run(xm, xm, xm, needWeights: needWeights).Output.sum().backward();
                }));
            // For reference: TorchSharp's own nn.MultiheadAttention (time-first, weights averaged over heads, not returned per head).
            var native = nn.MultiheadAttention(H, 4);
            var xt = xm.transpose(0, 1).contiguous();
            figures.Add(Measure("mha_train_torchsharp", "native", null, o, () =>
            {
                using var scope = NewDisposeScope();
                foreach (var p in native.parameters()) p.grad = null;
                native.call(xt, xt, xt, null, false, null).Item1.sum().backward();
            }));
        }
        return figures;
    }

    static Figure Measure(string name, string path, string? peer, BenchOptions o, Action iteration)
    {
        for (int i = 0; i < o.Warmup; i++) iteration();
        var times = new double[o.Iterations];
        for (int i = 0; i < o.Iterations; i++) times[i] = Time(iteration);
        return Summarize(name, path, peer, times);
    }

    static double Time(Action iteration)
    {
        long start = Stopwatch.GetTimestamp();
        iteration();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    static Figure Summarize(string name, string path, string? peer, double[] times)
    {
        double median = Report.Median(times);
        Console.Error.WriteLine($"bench: {name} [{path}] median {median:F1} ms");
        return new Figure(name, path, median, times.Min(), peer);
    }
}
