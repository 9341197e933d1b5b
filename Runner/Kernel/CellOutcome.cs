namespace RnnToolkit.Runner.Kernel;

/// <summary>How a cell's execution ended.</summary>
public enum CellStatus
{
    /// <summary>Not run (a non-code cell, a cell after a failure, or <c>--prepare-only</c>).</summary>
    Pending,

    /// <summary>Ran to the end.</summary>
    Completed,

    /// <summary>A compile error, a run-time exception, a failed restore or a bad directive.</summary>
    Failed,

    /// <summary>Still running when <c>--execution-timeout</c> expired.</summary>
    TimedOut,

    /// <summary>Skipped (a non-C# cell such as <c>#!markdown</c>).</summary>
    Skipped,
}

/// <summary>The result of one submission: its status and, on failure, the error published for it.</summary>
sealed record CellOutcome(CellStatus Status, string? ErrorName = null, string? ErrorValue = null);
