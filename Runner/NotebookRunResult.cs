using RnnToolkit.Runner.Notebooks;

namespace RnnToolkit.Runner;

/// <summary>The result of running one notebook.</summary>
public sealed class NotebookRunResult
{
    /// <summary>The input notebook path.</summary>
    public required string InputPath { get; init; }

    /// <summary>Where the executed notebook was written, or null when not saved.</summary>
    public string? OutputPath { get; init; }

    /// <summary>The executed notebook.</summary>
    public required NotebookDocument Notebook { get; init; }

    /// <summary>Every cell of the output notebook, in order.</summary>
    public required IReadOnlyList<CellResult> Cells { get; init; }

    /// <summary>True when no cell failed or timed out.</summary>
    public bool Succeeded => FailedCell is null;

    /// <summary>The first cell that failed or timed out, if any.</summary>
    public CellResult? FailedCell => Cells.FirstOrDefault(c => c.Status is Kernel.CellStatus.Failed or Kernel.CellStatus.TimedOut);

    /// <summary>The whole run's duration.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Time from the start of the run until the kernel session was ready for the first cell.</summary>
    public TimeSpan StartupTime { get; init; }

    /// <summary>Warnings produced while preparing the notebook (e.g. no cell tagged <c>parameters</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
}
