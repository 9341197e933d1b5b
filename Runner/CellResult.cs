using System.Text.Json.Nodes;
using RnnToolkit.Runner.Kernel;

namespace RnnToolkit.Runner;

/// <summary>What happened to one cell of a run.</summary>
public sealed class CellResult
{
    /// <summary>The cell's index in the output notebook.</summary>
    public required int Index { get; init; }

    /// <summary>The cell's id.</summary>
    public required string Id { get; init; }

    /// <summary><c>code</c>, <c>markdown</c> or <c>raw</c>.</summary>
    public required string CellType { get; init; }

    /// <summary>The cell's source.</summary>
    public required string Source { get; init; }

    /// <summary>The execution count given to the cell, or null when it did not run.</summary>
    public int? ExecutionCount { get; internal set; }

    /// <summary>How the cell ended.</summary>
    public CellStatus Status { get; internal set; } = CellStatus.Pending;

    /// <summary>The time the cell took.</summary>
    public TimeSpan Duration { get; internal set; }

    /// <summary>For a failed cell: the error name (exception type, "Error" for compile errors, "CellTimeoutError").</summary>
    public string? ErrorName { get; internal set; }

    /// <summary>For a failed cell: the error message.</summary>
    public string? ErrorMessage { get; internal set; }

    /// <summary>The cell's nbformat outputs (live JSON of the output notebook; empty for non-code cells).</summary>
    public JsonArray Outputs { get; internal set; } = new();
}
