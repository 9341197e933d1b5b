using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// A dedicated background thread for libtorch work that runs beside the caller's, each on one intra-op thread:
/// recurrent inference in the one-thread regime (<see cref="SingleThread"/>) splits its batch in two halves and
/// runs them at once here and on the caller's thread. The thread sets its own libtorch/OpenMP thread count to 1
/// once; it is never used for autograd (grad mode is off in it). OpenMP keeps that count per thread, but libtorch's
/// <c>get_num_threads</c> reports the last count set anywhere: the thread starts with its first job, which the caller
/// runs inside its own single-thread scope (<see cref="SingleThread"/>), whose end sets the reported count back.
/// </summary>
static class SecondThread
{
    static readonly BlockingCollection<Action> work = new();
    static long jobs;

    /// <summary>Jobs run so far (for tests).</summary>
    internal static long Jobs => Interlocked.Read(ref jobs);
    static readonly Lazy<Thread> thread = new(() =>
    {
        var t = new Thread(Loop) { IsBackground = true, Name = "RnnToolkit second thread" };
        t.Start();
        return t;
    });

    static void Loop()
    {
        set_num_threads(1);                      // this thread's OpenMP and MKL thread counts
        using var noGrad = no_grad();
        foreach (var item in work.GetConsumingEnumerable()) item();
    }

    /// <summary>Runs <paramref name="job"/> on the second thread; the task completes with its result or its exception.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="job">Work without autograd.</param>
    public static Task<T> Run<T>(Func<T> job)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = thread.Value;
        work.Add(() =>
        {
            // Counted before the result is published, so a caller that has its result sees the job counted.
            T result;
            try { result = job(); }
            catch (Exception e)
            {
                Interlocked.Increment(ref jobs);
                done.SetException(e);
                return;
            }
            Interlocked.Increment(ref jobs);
            done.SetResult(result);
        });
        return done.Task;
    }
}
