using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace RnnToolkit.Bench;

/// <summary>
/// This machine's measured float32 limits: the FMA peak of a register-only loop (no memory traffic) on one and two
/// threads, and libtorch's practical GEMM peak on a large square product and on the recurrent step's product.
/// </summary>
/// <param name="Isa">The instructions the FMA loop used ("AVX-512", "AVX2+FMA" or "scalar").</param>
/// <param name="Fma1">FMA loop, one thread, GFLOP/s.</param>
/// <param name="Fma2">FMA loop, two threads at once, GFLOP/s (sum of both).</param>
/// <param name="GemmLarge1">libtorch (1024×1024)·(1024×1024) on one thread, GFLOP/s.</param>
/// <param name="GemmLarge2">The same on two threads.</param>
/// <param name="GemmStep1">libtorch (64×128)·(128×512), the LSTM step's recurrent product, on one thread, GFLOP/s.</param>
/// <param name="GemmStep2">The same on two threads.</param>
/// <param name="OwnStep1">The toolkit's own AVX-512 product (Kernels/Gemm.cs, W packed once) on the step's shape, one thread, GFLOP/s; null without AVX-512.</param>
/// <param name="OwnLarge1">The toolkit's own product on (1024×1024)·(1024×1024), one thread, GFLOP/s; null without AVX-512.</param>
sealed record PeakFigures(string Isa, double Fma1, double Fma2, double GemmLarge1, double GemmLarge2, double GemmStep1, double GemmStep2, double? OwnStep1, double? OwnLarge1)
{
    /// <summary>The FMA peak at <paramref name="threads"/> threads (two or more: the two-thread figure; the machine has two cores).</summary>
    public double Fma(int threads) => threads >= 2 ? Fma2 : Fma1;

    /// <summary>The large-square GEMM peak at <paramref name="threads"/> threads.</summary>
    public double GemmLarge(int threads) => threads >= 2 ? GemmLarge2 : GemmLarge1;

    /// <summary>The step-shape GEMM peak at <paramref name="threads"/> threads.</summary>
    public double GemmStep(int threads) => threads >= 2 ? GemmStep2 : GemmStep1;
}

/// <summary>Measures <see cref="PeakFigures"/>: each figure is the best of several timed batches (a peak, not a median), so another process taking a core lowers it less.</summary>
static class Peak
{
    /// <summary>Timed batches per figure; short batches, many of them, so the best one is likely a moment with the core(s) to itself on a shared machine.</summary>
    const int Batches = 25;

    public static PeakFigures Measure(int threads)
    {
        string isa = Avx512F.IsSupported ? "AVX-512" : Fma.IsSupported ? "AVX2+FMA" : "scalar";
        double fma1 = FmaPeak(1), fma2 = FmaPeak(2);
        Native.TorchSharpNative.EnsureLoaded();
        double large1 = GemmPeak(1, 1024, 1024, 1024, 1), large2 = GemmPeak(2, 1024, 1024, 1024, 2);
        double step1 = GemmPeak(1, 64, 128, 512, 100), step2 = GemmPeak(2, 64, 128, 512, 100);
        bool own = Kernels.PackedMatrix.Fits(128);
        double? ownStep1 = own ? OwnPeak(64, 128, 512, 100) : null, ownLarge1 = own ? OwnPeak(1024, 1024, 1024, 1) : null;
        torch.set_num_threads(threads);
        return new PeakFigures(isa, fma1, fma2, large1, large2, step1, step2, ownStep1, ownLarge1);
    }

    public static void Print(PeakFigures p)
    {
        Console.WriteLine($"Peak float32 GFLOP/s on this machine ({Environment.ProcessorCount} logical CPUs; best of {Batches} batches; load average {LoadAverage()}):");
        Console.WriteLine($"  FMA register-only loop ({p.Isa}, 12 independent accumulators): 1 thread {p.Fma1,7:F1}   2 threads {p.Fma2,7:F1}");
        Console.WriteLine($"  libtorch matmul (1024×1024)·(1024×1024):                 1 thread {p.GemmLarge1,7:F1}   2 threads {p.GemmLarge2,7:F1}");
        Console.WriteLine($"  libtorch matmul (64×128)·(128×512), the LSTM step:        1 thread {p.GemmStep1,7:F1}   2 threads {p.GemmStep2,7:F1}");
        if (p.OwnStep1 is { } ownStep && p.OwnLarge1 is { } ownLarge)
        {
            Console.WriteLine($"  toolkit's own product (64×128)·(128×512), W packed:      1 thread {ownStep,7:F1}");
            Console.WriteLine($"  toolkit's own product (1024×1024)·(1024×1024):          1 thread {ownLarge,7:F1}");
        }
        if (NominalMhz() is double mhz)
            Console.WriteLine($"  for scale: two {(Avx512F.IsSupported ? "512" : "256")}-bit-equivalent FMA pipes a core at the reported {mhz:F0} MHz would be {FlopsPerIteration / 12 * 2 * mhz / 1000:F1} per core (an assumption about the core, not a measurement)");
        Console.WriteLine();
    }

    /// <summary>The first "cpu MHz" of /proc/cpuinfo, null elsewhere.</summary>
    static double? NominalMhz()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
    }

    /// <summary>"1m 5m 15m" from /proc/loadavg, or "?" elsewhere.</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    /// <summary>FLOPs of one <see cref="FmaLoop"/> iteration: 12 FMAs (2 FLOPs per lane).</summary>
    static int FlopsPerIteration => 12 * 2 * (Avx512F.IsSupported ? Vector512<float>.Count : Fma.IsSupported ? Vector256<float>.Count : 1);

    /// <summary>The FMA loop on <paramref name="threadCount"/> threads at once: total FLOPs over the span from the first worker's start to the last one's end, best of <see cref="Batches"/>.</summary>
    static double FmaPeak(int threadCount)
    {
        // 1 GFLOP a thread a batch: about 10 ms at 100 GFLOP/s.
        long iterations = 1_000_000_000L / FlopsPerIteration;
        FmaLoop(1000);
        double best = 0;
        for (int b = 0; b < Batches; b++)
        {
            // Each worker times its own loop: the main thread is a third thread on two cores and may not run again until
            // the workers are done, so a clock read by it would miss most of the loop (it gave 5,000,000 GFLOP/s).
            using var barrier = new Barrier(threadCount);
            var starts = new long[threadCount];
            var ends = new long[threadCount];
            float sink = 0;
            var workers = Enumerable.Range(0, threadCount).Select(k => new Thread(() =>
            {
                barrier.SignalAndWait();
                starts[k] = Stopwatch.GetTimestamp();
                float s = FmaLoop(iterations);
                ends[k] = Stopwatch.GetTimestamp();
                Interlocked.Exchange(ref sink, s);
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            double seconds = (double)(ends.Max() - starts.Min()) / Stopwatch.Frequency;
            if (float.IsNaN(sink)) Console.Error.WriteLine("bench: FMA loop diverged");
            best = Math.Max(best, threadCount * (double)iterations * FlopsPerIteration / seconds / 1e9);
        }
        return best;
    }

    /// <summary>
    /// 12 independent chains c ← c·a + b in registers (enough to cover the FMA latency of 4 cycles at two FMAs a cycle),
    /// 512-bit with AVX-512, else 256-bit with AVX2+FMA; c converges to b/(1−a), so nothing overflows.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float FmaLoop(long iterations)
    {
        if (Avx512F.IsSupported)
        {
            var (a, b) = (Vector512.Create(0.999f), Vector512.Create(1e-3f));
            Vector512<float> c0 = Vector512.Create(0f), c1 = Vector512.Create(.1f), c2 = Vector512.Create(.2f), c3 = Vector512.Create(.3f),
                c4 = Vector512.Create(.4f), c5 = Vector512.Create(.5f), c6 = Vector512.Create(.6f), c7 = Vector512.Create(.7f),
                c8 = Vector512.Create(.8f), c9 = Vector512.Create(.9f), c10 = Vector512.Create(1f), c11 = Vector512.Create(1.1f);
            for (long i = 0; i < iterations; i++)
            {
                c0 = Avx512F.FusedMultiplyAdd(c0, a, b); c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
                c2 = Avx512F.FusedMultiplyAdd(c2, a, b); c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
                c4 = Avx512F.FusedMultiplyAdd(c4, a, b); c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
                c6 = Avx512F.FusedMultiplyAdd(c6, a, b); c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
                c8 = Avx512F.FusedMultiplyAdd(c8, a, b); c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
                c10 = Avx512F.FusedMultiplyAdd(c10, a, b); c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
            }
            return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }
        if (Fma.IsSupported)
        {
            var (a, b) = (Vector256.Create(0.999f), Vector256.Create(1e-3f));
            Vector256<float> c0 = Vector256.Create(0f), c1 = Vector256.Create(.1f), c2 = Vector256.Create(.2f), c3 = Vector256.Create(.3f),
                c4 = Vector256.Create(.4f), c5 = Vector256.Create(.5f), c6 = Vector256.Create(.6f), c7 = Vector256.Create(.7f),
                c8 = Vector256.Create(.8f), c9 = Vector256.Create(.9f), c10 = Vector256.Create(1f), c11 = Vector256.Create(1.1f);
            for (long i = 0; i < iterations; i++)
            {
                c0 = Fma.MultiplyAdd(c0, a, b); c1 = Fma.MultiplyAdd(c1, a, b);
                c2 = Fma.MultiplyAdd(c2, a, b); c3 = Fma.MultiplyAdd(c3, a, b);
                c4 = Fma.MultiplyAdd(c4, a, b); c5 = Fma.MultiplyAdd(c5, a, b);
                c6 = Fma.MultiplyAdd(c6, a, b); c7 = Fma.MultiplyAdd(c7, a, b);
                c8 = Fma.MultiplyAdd(c8, a, b); c9 = Fma.MultiplyAdd(c9, a, b);
                c10 = Fma.MultiplyAdd(c10, a, b); c11 = Fma.MultiplyAdd(c11, a, b);
            }
            return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
        }
        float s = 0;
        for (long i = 0; i < iterations * 12; i++) s = s * 0.999f + 1e-3f;
        return s;
    }

    /// <summary>The toolkit's own product C += A·W, W (k×n) packed once, on this thread: 2mkn FLOPs per call over the mean time of <paramref name="calls"/> calls, best of <see cref="Batches"/>.</summary>
    static unsafe double OwnPeak(int m, int k, int n, int calls)
    {
        random.manual_seed(0);
        using var scope = NewDisposeScope();
        var (a, w, c) = (randn(m, k), randn(k, n), zeros(m, n));
        var packed = Kernels.PackedMatrix.Of(Kernels.VectorMath.Floats(w), k, n);
        float* pa = Kernels.VectorMath.Floats(a), pc = Kernels.VectorMath.Floats(c);
        for (int i = 0; i < Math.Max(3, calls / 10); i++) packed.MultiplyAdd(pa, k, pc, n, m, 0, n);
        double best = 0;
        for (int batch = 0; batch < Batches; batch++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) packed.MultiplyAdd(pa, k, pc, n, m, 0, n);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, 2.0 * m * k * n * calls / seconds / 1e9);
        }
        return best;
    }

    /// <summary>libtorch's (m×k)·(k×n) on <paramref name="threadCount"/> threads: 2mkn FLOPs per call over the mean time of <paramref name="calls"/> calls, best of <see cref="Batches"/>.</summary>
    static double GemmPeak(int threadCount, int m, int k, int n, int calls)
    {
        torch.set_num_threads(threadCount);
        random.manual_seed(0);
        using var a = randn(m, k);
        using var b = randn(k, n);
        for (int i = 0; i < Math.Max(3, calls / 10); i++) { using var w = a.matmul(b); }
        double best = 0;
        for (int batch = 0; batch < Batches; batch++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) { using var c = a.matmul(b); }
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, 2.0 * m * k * n * calls / seconds / 1e9);
        }
        return best;
    }
}
