namespace RnnToolkit.Runner.Kernel;

/// <summary>
/// The output sink of the notebook whose cell is running on this logical call context. An <see cref="AsyncLocal{T}"/>
/// so that notebooks run in parallel in one process (e.g. by tests) never see each other's outputs, and tasks a cell
/// starts still publish to their own notebook.
/// </summary>
internal static class KernelContext
{
    private static readonly AsyncLocal<OutputSink?> CurrentSink = new();

    /// <summary>The sink for the running cell, or null outside a runner.</summary>
    public static OutputSink? Current
    {
        get => CurrentSink.Value;
        set => CurrentSink.Value = value;
    }
}
