namespace RnnToolkit.Runner;

/// <summary>How <see cref="NotebookRunner"/> runs a notebook; the names follow papermill's options.</summary>
public sealed class RunnerOptions
{
    /// <summary>Parameters injected after the cell tagged <c>parameters</c>, in order (papermill <c>-p</c>, <c>-r</c>, <c>-y</c>, <c>-f</c>).</summary>
    public IList<KeyValuePair<string, object?>> Parameters { get; } = new List<KeyValuePair<string, object?>>();

    /// <summary>The working folder for the kernel (<c>--cwd</c>); null means the notebook's folder, as VS Code does.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Maximum run time of one cell (<c>--execution-timeout</c>); null means no limit.</summary>
    public TimeSpan? ExecutionTimeout { get; set; }

    /// <summary>Hide code cells' input in the output notebook (<c>--report-mode</c>).</summary>
    public bool ReportMode { get; set; }

    /// <summary>Only inject parameters and write the output notebook, without running it (<c>--prepare-only</c>).</summary>
    public bool PrepareOnly { get; set; }

    /// <summary>Echo cell outputs to <see cref="Log"/> as they are produced (<c>--log-output</c>).</summary>
    public bool LogOutput { get; set; }

    /// <summary>When set, also write a self-contained HTML report to this path (<c>--html</c>).</summary>
    public string? HtmlReportPath { get; set; }

    /// <summary>Where progress messages (and, with <see cref="LogOutput"/>, outputs) go; null for silence.</summary>
    public TextWriter? Log { get; set; }

    /// <summary>How often a long-running cell's partial outputs are saved (papermill: 30 s).</summary>
    public TimeSpan AutosaveInterval { get; set; } = TimeSpan.FromSeconds(30);
}
