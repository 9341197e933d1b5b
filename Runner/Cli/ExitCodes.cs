namespace RnnToolkit.Runner.Cli;

/// <summary>The runner's process exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every notebook ran without a failing cell.</summary>
    public const int Success = 0;

    /// <summary>A cell failed (compile error, exception, timeout, failed restore).</summary>
    public const int CellFailed = 1;

    /// <summary>Bad command-line usage or an unreadable notebook.</summary>
    public const int Usage = 2;
}
