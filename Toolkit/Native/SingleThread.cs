using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// Runs libtorch on one thread until the returned scope is disposed (scopes nest; the outermost restores the count).
/// libtorch's recurrent kernels synchronise their threads at every time step: when a step is small, one thread is
/// faster than two (figures: docs/benchmarks.md, "One thread for small steps"). The thread count is process-wide.
/// </summary>
static class SingleThread
{
    static readonly object gate = new();
    static int depth;
    static int restore;

    /// <summary>
    /// Multiply-adds of a time loop's per-step product (batch × gate rows × hidden) up to which the toolkit's sequence
    /// kernels run their loops on one thread (above it, as for the LSTM at B = 64, H = 128, the backward product gains
    /// from two threads; figures: docs/benchmarks.md).
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
