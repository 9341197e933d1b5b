using System.Diagnostics;
using System.Runtime.ExceptionServices;
using static TorchSharp.torch;

namespace RnnToolkit.Native;

/// <summary>
/// A second thread that runs a time loop's independent products beside the caller's (without autograd), each side's
/// products on one libtorch thread, one core each: the caller holds its own count at one (<see cref="SingleThread"/>)
/// while it uses the partner, and the partner sets its own to one when it starts. OpenMP keeps a count per thread,
/// but libtorch's <c>get_num_threads</c> reports the last one set anywhere, so the partner is first started inside
/// the caller's single-thread scope (<see cref="TryBegin"/> returns once it has set its count), whose end sets the
/// caller's count, and the reported one, back.
/// A step of a sequence kernel is too short for a blocking hand-off (waking a thread costs a sizeable part of a step;
/// figures: docs/benchmarks.md, "Paired loops"), so work is handed over through a small ring of jobs that both sides spin on, yielding the core while they wait
/// (another process on the core gets it). After 1 ms without work the thread blocks until the next job.
/// One caller at a time: <see cref="TryBegin"/> returns null while another loop holds the thread.
/// </summary>
sealed class PartnerThread
{
    const int Slots = 4;
    const double IdleSpinMs = 1.0;
    static readonly Lazy<PartnerThread> shared = new(() => new PartnerThread());

    readonly Action?[] ring = new Action?[Slots];
    readonly SemaphoreSlim wake = new(0);
    long posted, finished;          // jobs handed over / completed, ever
    int held, sleeping;
    Exception? error;

    PartnerThread()
    {
        using var ready = new ManualResetEventSlim();
        new Thread(() => Loop(ready)) { IsBackground = true, Name = "RnnToolkit partner thread" }.Start();
        ready.Wait();
    }

    /// <summary>The partner for one loop, or null when another loop holds it. Call it inside a <see cref="SingleThread"/> scope (see the summary).</summary>
    public static Session? TryBegin()
    {
        var partner = shared.Value;
        if (Interlocked.CompareExchange(ref partner.held, 1, 0) != 0) return null;
        partner.error = null;
        return new Session(partner);
    }

    void Loop(ManualResetEventSlim ready)
    {
        set_num_threads(1);                       // this thread's own OpenMP count (libtorch also records it process-wide: see the summary)
        ready.Set();
        using var noGrad = no_grad();
        long seen = 0;
        while (true)
        {
            var spin = new SpinWait();
            long since = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref posted) == seen)
            {
                if (Stopwatch.GetElapsedTime(since).TotalMilliseconds < IdleSpinMs) { spin.SpinOnce(sleep1Threshold: -1); continue; }
                Interlocked.Exchange(ref sleeping, 1);          // then re-read posted: a job posted meanwhile is seen here or wakes us
                if (Volatile.Read(ref posted) == seen) wake.Wait();
                Interlocked.Exchange(ref sleeping, 0);
                since = Stopwatch.GetTimestamp();
            }
            var job = ring[seen % Slots]!;
            ring[seen % Slots] = null;
            try { job(); }
            catch (Exception e) { error ??= e; }
            Volatile.Write(ref finished, ++seen);
        }
    }

    long Post(Action job)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref posted) - Volatile.Read(ref finished) >= Slots) spin.SpinOnce(sleep1Threshold: -1);
        ring[posted % Slots] = job;
        long ticket = Interlocked.Increment(ref posted);        // a full fence: the job is visible first
        if (Volatile.Read(ref sleeping) == 1) wake.Release();
        return ticket;
    }

    void Wait(long ticket, bool rethrow)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref finished) < ticket) spin.SpinOnce(sleep1Threshold: -1);
        if (rethrow && error is { } e)
        {
            error = null;
            ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>The partner held by one loop: jobs run in the order posted; <see cref="Wait"/> waits for one and those before it, <see cref="Join"/> for all.</summary>
    public sealed class Session(PartnerThread partner) : IDisposable
    {
        bool disposed;

        /// <summary>
        /// Runs <paramref name="job"/> on the partner after the jobs posted before it; returns its ticket for <see cref="Wait"/>.
        /// Jobs should write into tensors the loop owns (in-place products): a tensor a job creates belongs to no dispose scope.
        /// </summary>
        public long Post(Action job) => partner.Post(job);

        /// <summary>Waits until the job with <paramref name="ticket"/> and those before it have run; rethrows the first exception a job threw.</summary>
        public void Wait(long ticket) => partner.Wait(ticket, rethrow: true);

        /// <summary>Waits until every posted job has run; rethrows the first exception one of them threw.</summary>
        public void Join() => partner.Wait(Volatile.Read(ref partner.posted), rethrow: true);

        /// <summary>Waits for the jobs still running (their exceptions are dropped: the loop already failed or joined) and releases the partner.</summary>
        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            partner.Wait(Volatile.Read(ref partner.posted), rethrow: false);
            partner.error = null;
            Volatile.Write(ref partner.held, 0);
        }
    }
}
