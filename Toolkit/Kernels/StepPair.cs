using RnnToolkit.Native;
using static TorchSharp.torch;

namespace RnnToolkit.Kernels;

/// <summary>
/// Where a sequence kernel runs the per-step products that do not wait for the step's own result: on the
/// <see cref="PartnerThread"/> beside the loop (paired: each side one libtorch thread), or inline, in order, on
/// the loop's thread. A product of this size gains little from a second libtorch thread (B = 64, H = 128:
/// 106 µs on one, 90–116 on two), while two products on two threads take the time of one: the matrix-peephole
/// LSTM's step does 7H² multiply-adds against the LSTM's 4H², and paired each thread does about half (4H² and 3H²).
/// </summary>
sealed class StepPair : IDisposable
{
    /// <summary>Multiply-adds per step from which a loop pairs (matrix peephole, training: B = 64, H = 64 at 1.8 M, 19–20 ms paired against 22–24;
    /// around 1 M the two take about the same time, and below it the hand-overs cost what they save).</summary>
    public const long MinStepMacs = 1_000_000;

    /// <summary>Tests, on the calling thread: true always pairs (waiting for the partner if another loop holds it), false never; null decides by size and threads.</summary>
    internal static bool? Force { get => force; set => force = value; }
    [ThreadStatic] static bool? force;

    /// <summary>Loops this thread has run paired (for tests).</summary>
    internal static long PairedLoops => pairedLoops;
    [ThreadStatic] static long pairedLoops;

    readonly PartnerThread.Session? partner;
    readonly IDisposable? threads;

    StepPair(PartnerThread.Session? partner, IDisposable? threads) => (this.partner, this.threads) = (partner, threads);

    /// <summary>
    /// Pairs a loop whose step does <paramref name="stepMacs"/> multiply-adds when <see cref="Wants"/> says so and the
    /// partner is free. Otherwise the loop runs inline: with <see cref="SingleThread.ForSteps"/>'s thread count when
    /// pairing was not wanted, on one thread when the partner is held by another loop (which then has the other core).
    /// </summary>
    public static StepPair For(long stepMacs) => For(stepMacs, loop: true);

    /// <summary>A pair for one piece of work split in two (<see cref="Both"/> once), not a time loop: not counted in <see cref="PairedLoops"/>.</summary>
    public static StepPair ForHalves() => For(MinStepMacs, loop: false);

    static StepPair For(long stepMacs, bool loop)
    {
        if (!(Force ?? Wants(stepMacs, get_num_threads(), Environment.ProcessorCount)))
            return Inline(stepMacs);
        var threads = SingleThread.Begin();                    // first: the partner sets its count to 1 when it starts
        var partner = PartnerThread.TryBegin();
        for (var spin = new SpinWait(); partner is null && Force == true; partner = PartnerThread.TryBegin()) spin.SpinOnce(sleep1Threshold: -1);
        if (partner is not null && loop) pairedLoops++;
        return new StepPair(partner, threads);
    }

    /// <summary>A loop that runs inline, with <see cref="SingleThread.ForSteps"/>'s thread count for steps of <paramref name="stepMacs"/> multiply-adds.</summary>
    public static StepPair Inline(long stepMacs) => new(null, SingleThread.ForSteps(stepMacs));

    /// <summary>Whether a loop pairs: steps of at least <see cref="MinStepMacs"/> with two libtorch threads and two processors or more.</summary>
    public static bool Wants(long stepMacs, int libtorchThreads, int processors) =>
        stepMacs >= MinStepMacs && libtorchThreads > 1 && processors > 1;

    /// <summary>Whether the jobs run on the partner thread.</summary>
    public bool Paired => partner is not null;

    /// <summary>Runs <paramref name="job"/> on the partner after the jobs posted before it, or now when not paired; returns a ticket for <see cref="Await"/>.</summary>
    public long Beside(Action job)
    {
        if (partner is not null) return partner.Post(job);
        job();
        return 0;
    }

    /// <summary>Waits until the job with <paramref name="ticket"/> (and those posted before it) has run, rethrowing the first failure.</summary>
    public void Await(long ticket) => partner?.Wait(ticket);

    /// <summary>
    /// Runs the two halves of one step's work: <paramref name="second"/> on the partner and <paramref name="first"/> here
    /// at the same time when paired, else one after the other here; returns when both have run (rethrowing the first failure).
    /// </summary>
    public void Both(Action first, Action second)
    {
        if (partner is null)
        {
            first();
            second();
            return;
        }
        long ticket = partner.Post(second);
        first();
        partner.Wait(ticket);
    }

    /// <summary>Waits for every job handed over (rethrowing the first failure).</summary>
    public void Join() => partner?.Join();

    /// <inheritdoc/>
    public void Dispose()
    {
        partner?.Dispose();
        threads?.Dispose();
    }
}
