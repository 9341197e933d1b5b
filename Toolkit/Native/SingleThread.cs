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
