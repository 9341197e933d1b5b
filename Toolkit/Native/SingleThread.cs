using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// Runs libtorch on one thread until the returned scope is disposed (scopes nest; the outermost restores the count).
/// libtorch's recurrent kernels synchronise their threads at every time step: when a step is small, one thread is
/// faster than two (LSTM inference, B = 64, T = 100, H = 128 on this project's 2-core CPUs: 6.5 ms on one thread,
/// 9.2 ms on two; GRU at B = 16: 4.6 vs 10.4 ms). The thread count is process-wide.
/// </summary>
public static class SingleThread
{
    static readonly object gate = new();
    static int depth;
    static int restore;

    /// <summary>
    /// Multiply-adds per time step (batch × gate rows × (input + hidden)) up to which one thread is faster for
    /// recurrent inference here (measured for RNN, GRU and LSTM with 1–2 layers, batches 16–64, hidden 128: 1.3–2.9x
    /// faster below it; from ~8 M on, two threads win).
    /// </summary>
    public const long RecurrentStepMacs = 6_000_000;

    /// <summary>
    /// Multiply-adds of a time loop's per-step product (batch × gate rows × hidden) up to which the loop runs faster on
    /// one thread (the toolkit's sequence kernels, B = 64, H = 128: RNN, 1 M, 14.6 vs 20.9 ms per training step; GRU,
    /// 3.1 M, the same either way; LSTM, 4.2 M, 60 vs 53 ms: its backward product gains from two threads).
    /// </summary>
    public const long KernelStepMacs = 2_000_000;

    /// <summary>A single-thread scope for a time loop whose per-step product has <paramref name="stepMacs"/> multiply-adds, or null when two threads are faster.</summary>
    /// <param name="stepMacs">Multiply-adds of one step's recurrent product.</param>
    public static IDisposable? ForSteps(long stepMacs) => stepMacs <= KernelStepMacs ? Begin() : null;

    /// <summary>Sets libtorch's intra-op thread count to 1 until disposed.</summary>
    public static IDisposable Begin()
    {
        lock (gate)
        {
            if (depth++ == 0)
            {
                restore = get_num_threads();
                if (restore > 1) set_num_threads(1);
            }
        }
        return new Scope();
    }

    sealed class Scope : IDisposable
    {
        bool disposed;

        public void Dispose()
        {
            lock (gate)
            {
                if (disposed) return;
                disposed = true;
                if (--depth == 0 && restore > 1) set_num_threads(restore);
            }
        }
    }
}
