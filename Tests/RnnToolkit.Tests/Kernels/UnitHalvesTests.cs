using System.Collections.Concurrent;
using RnnToolkit.Kernels;

namespace RnnToolkit.Tests.Kernels;

/// <summary>
/// How the packed kernels split a step: <see cref="UnitHalves"/> cuts the hidden units at a panel boundary, and
/// <see cref="StepPair.Both"/> runs the two halves on two threads when paired (in turn when not), returning when both
/// are done and rethrowing a half's failure.
/// </summary>
[Collection(RnnToolkit.Tests.Native.PartnerCollection.Name)]
public class UnitHalvesTests
{
    [Theory]
    [InlineData(64, 32)]
    [InlineData(128, 64)]
    [InlineData(96, 32)]       // three panels: the first half takes one, the second two
    [InlineData(256, 128)]
    [InlineData(32, 0)]        // one panel: the first half is empty
    public void Halves_cut_the_units_at_a_panel_boundary_and_cover_them_once(int H, int split)
    {
        var calls = new ConcurrentBag<(int T, int U0, int U1)>();
        var halves = new UnitHalves(H, (t, u0, u1) => calls.Add((t, u0, u1)));
        using (var pair = StepPair.Inline(0))
        {
            halves.Run(pair, 3);
            halves.Run(pair, 4);
        }
        Assert.Equal([(3, 0, split), (3, split, H), (4, 0, split), (4, split, H)], calls.OrderBy(c => c.T).ThenBy(c => c.U0).ThenBy(c => c.U1));
        Assert.Equal(0, split % PackedMatrix.Panel);
    }

    [Fact]
    public void Paired_halves_run_on_two_threads_at_once_and_both_finish_before_run_returns()
    {
        StepPair.Force = true;
        try
        {
            using var pair = StepPair.For(StepPair.MinStepMacs);
            Assert.True(pair.Paired);
            var threads = new ConcurrentDictionary<int, int>();
            int inside = 0, overlapped = 0, finished = 0;
            var halves = new UnitHalves(128, (t, u0, u1) =>
            {
                threads[u0] = Environment.CurrentManagedThreadId;
                if (Interlocked.Increment(ref inside) == 2) Interlocked.Exchange(ref overlapped, 1);
                var since = System.Diagnostics.Stopwatch.StartNew();          // each half waits (up to 5 s) for the other to be inside too
                while (Volatile.Read(ref overlapped) == 0 && since.Elapsed.TotalSeconds < 5) Thread.Yield();
                Interlocked.Decrement(ref inside);
                Interlocked.Increment(ref finished);
            });
            halves.Run(pair, 0);
            Assert.Equal(2, Volatile.Read(ref finished));                     // both halves done when Run returns
            Assert.Equal(1, overlapped);                                      // and they ran at the same time
            Assert.Equal(Environment.CurrentManagedThreadId, threads[0]);      // the first half here, the second on the partner
            Assert.NotEqual(threads[0], threads[64]);
        }
        finally { StepPair.Force = null; }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_failing_half_fails_the_step(bool paired)
    {
        StepPair.Force = paired;
        try
        {
            using var pair = StepPair.For(StepPair.MinStepMacs);
            var halves = new UnitHalves(64, (t, u0, u1) => { if (u0 == 32) throw new InvalidOperationException($"half at {u0} failed at step {t}"); });
            var e = Assert.Throws<InvalidOperationException>(() => halves.Run(pair, 7));
            Assert.Equal("half at 32 failed at step 7", e.Message);
        }
        finally { StepPair.Force = null; }
    }
}
