namespace RnnToolkit.Notebooks;

/// <summary>Thrown by <see cref="NotebookChecks.Verify"/> when a check fails; the message names each failed check.</summary>
public sealed class NotebookChecksFailedException : Exception
{
    internal NotebookChecksFailedException(CheckReport report)
        : base("Metric regression: " + string.Join("; ", report.Failures.Select(f => $"{f.Check} = {NotebookChecks.Format(f.Value)} (expected {f.Expected})")))
        => Report = report;

    /// <summary>Every check's result, the failed ones included.</summary>
    public CheckReport Report { get; }
}
