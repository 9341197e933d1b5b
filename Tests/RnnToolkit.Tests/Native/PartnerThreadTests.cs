using RnnToolkit.Kernels;
using RnnToolkit.Native;

namespace RnnToolkit.Tests.Native;

/// <summary>
/// The partner thread that runs a sequence kernel's independent products beside its loop: order, tickets, failures,
/// hand-over after it went to sleep, one holder at a time, and its libtorch settings. In one collection with the
/// matrix-peephole kernel tests, the other user of the partner.
/// </summary>
[Collection(PartnerCollection.Name)]
public class PartnerThreadTests
{
    static PartnerThread.Session Begin() =>
        PartnerThread.TryBegin() ?? throw new InvalidOperationException("the partner is held by another test");

    [Fact]
    public void Jobs_run_in_the_order_posted_on_another_thread()
    {
        var order = new List<int>();
        var threads = new HashSet<int>();
        using (var partner = Begin())
        {
            for (int k = 0; k < 200; k++)
            {
                int j = k;
                partner.Post(() => { order.Add(j); threads.Add(Environment.CurrentManagedThreadId); });
            }
            partner.Join();
        }
        Assert.Equal(Enumerable.Range(0, 200), order);
        Assert.Single(threads);
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
    }

    [Fact]
    public void A_ticket_waits_for_its_job_and_not_for_later_ones()
    {
        using var release = new ManualResetEventSlim();
        bool first = false, second = false;
        using (var partner = Begin())
        {
            long ticket = partner.Post(() => { Thread.Sleep(30); first = true; });
            partner.Post(() => { release.Wait(); second = true; });
            partner.Wait(ticket);
            Assert.True(first);
            Assert.False(second);
            release.Set();
            partner.Join();
            Assert.True(second);
        }
    }

    [Fact]
    public void A_failing_job_is_rethrown_and_the_partner_stays_usable()
    {
        using (var partner = Begin())
        {
            partner.Post(() => throw new InvalidOperationException("job 1 failed"));
            partner.Post(() => { });
            var e = Assert.Throws<InvalidOperationException>(partner.Join);
            Assert.Equal("job 1 failed", e.Message);
        }
        using (var partner = Begin())
        {
            bool ran = false;
            partner.Post(() => ran = true);
            partner.Join();                                    // no stale failure from the session before
            Assert.True(ran);
        }
    }

    [Fact]
    public void Disposing_waits_for_the_jobs_still_running_and_releases_the_partner()
    {
        bool done = false;
        var partner = Begin();
        Assert.Null(PartnerThread.TryBegin());                 // one holder at a time
        partner.Post(() => { Thread.Sleep(50); done = true; });
        partner.Dispose();
        Assert.True(done);
        using var again = PartnerThread.TryBegin();
        Assert.NotNull(again);
    }

    [Fact]
    public void A_job_posted_after_the_partner_went_to_sleep_runs()
    {
        using var partner = Begin();
        partner.Post(() => { });
        partner.Join();
        Thread.Sleep(50);                                      // well past its 1 ms of spinning: it blocks
        int ran = 0;
        for (int k = 0; k < 3; k++)
        {
            partner.Post(() => ran++);
            partner.Join();
            Thread.Sleep(20);
        }
        Assert.Equal(3, ran);
    }

    [Fact]
    public void Paired_jobs_run_on_one_libtorch_thread_without_autograd_and_the_thread_count_comes_back()
    {
        int before = get_num_threads(), threads = 0;
        bool grad = true;
        StepPair.Force = true;
        try
        {
            using var pair = StepPair.For(1);
            Assert.True(pair.Paired);
            pair.Beside(() => { threads = get_num_threads(); grad = is_grad_enabled(); });
            pair.Join();
        }
        finally { StepPair.Force = null; }
        Assert.Equal(1, threads);
        Assert.False(grad);
        Assert.Equal(before, get_num_threads());
    }

    [Theory]
    [InlineData(1_000_000L, 2, 2, true)]
    [InlineData(999_999L, 2, 2, false)]
    [InlineData(7_340_032L, 1, 2, false)]
    [InlineData(7_340_032L, 2, 1, false)]
    public void Loops_pair_from_a_step_size_with_two_threads_and_two_processors(long stepMacs, int threads, int processors, bool pairs) =>
        Assert.Equal(pairs, StepPair.Wants(stepMacs, threads, processors));

    [Fact]
    public void Unpaired_jobs_run_at_once_on_the_loop_thread()
    {
        StepPair.Force = false;
        try
        {
            using var pair = StepPair.For(long.MaxValue);
            int thread = 0;
            Assert.Equal(0, pair.Beside(() => thread = Environment.CurrentManagedThreadId));
            Assert.Equal(Environment.CurrentManagedThreadId, thread);
            Assert.False(pair.Paired);
        }
        finally { StepPair.Force = null; }
    }
}

/// <summary>Tests that hold the partner thread: not run at the same time.</summary>
[CollectionDefinition(Name)]
public class PartnerCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "partner thread";
}
