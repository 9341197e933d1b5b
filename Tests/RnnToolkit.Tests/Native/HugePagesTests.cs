using System.Text.RegularExpressions;
using RnnToolkit.Native;

namespace RnnToolkit.Tests.Native;

/// <summary>
/// <see cref="HugePages"/>: a large fresh buffer is backed by 2 MiB pages once touched, where the host's transparent
/// huge pages allow it (read from /sys, so the test checks whichever mode the host has), and small buffers are left alone.
/// </summary>
public partial class HugePagesTests
{
    static long AnonHugeKb() =>
        long.Parse(AnonHuge().Match(File.ReadAllText("/proc/self/smaps_rollup")).Groups[1].Value);

    [GeneratedRegex(@"AnonHugePages:\s+(\d+) kB")]
    private static partial Regex AnonHuge();

    [Fact]
    public void A_large_fresh_buffer_gets_huge_pages_where_the_host_allows_them()
    {
        string mode = File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled");   // e.g. "always [madvise] never"
        bool allowed = !mode.Contains("[never]");
        using var scope = NewDisposeScope();
        long before = AnonHugeKb();
        var buffer = empty(HugePages.MinBytes / sizeof(float) * 2, dtype: ScalarType.Float32);   // 64 MiB: mapped fresh by glibc
        Assert.Same(buffer, HugePages.Advise(buffer));
        buffer.fill_(1f);                                                                         // first touch: the faults
        long grown = AnonHugeKb() - before;
        if (allowed) Assert.True(grown >= 2048, $"THP '{mode.Trim()}': anonymous huge pages grew by {grown} kB after touching 64 MiB");
        else Assert.True(grown <= 0, $"THP off, yet huge pages grew by {grown} kB");
        Assert.Equal(1f, buffer[^1].item<float>());
    }

    [Fact]
    public void Small_or_strided_buffers_are_returned_untouched()
    {
        using var scope = NewDisposeScope();
        var small = ones(1000);
        Assert.Same(small, HugePages.Advise(small));
        var strided = zeros(4096, 4096).t();                                                       // 64 MiB, not contiguous
        Assert.Same(strided, HugePages.Advise(strided));
        Assert.Equal(1000f, small.sum().item<float>());
    }
}
