using System.Collections.Concurrent;

namespace RnnToolkit.Kernels;

/// <summary>
/// How many times each sequence kernel has run in this process, so tests can tell that a backend which should run a
/// kernel did (a silent fallback to the cells gives the same numbers and would otherwise go unnoticed).
/// </summary>
static class KernelRuns
{
    static readonly ConcurrentDictionary<string, long> runs = new();

    /// <summary>Counts one run of <paramref name="kernel"/>.</summary>
    public static void Count(string kernel) => runs.AddOrUpdate(kernel, 1, (_, n) => n + 1);

    /// <summary>The runs of <paramref name="kernel"/> so far.</summary>
    public static long Of(string kernel) => runs.GetValueOrDefault(kernel);
}
