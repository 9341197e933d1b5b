using System.Diagnostics;
using RnnToolkit.Runner.Cli;

namespace RnnToolkit.Runner;

/// <summary>The exit code and captured output of a runner process.</summary>
/// <param name="ExitCode">0 all passed, 1 a cell failed, 2 bad usage or unreadable notebook.</param>
/// <param name="StandardOutput">The summary table (and help).</param>
/// <param name="StandardError">Progress, warnings and errors.</param>
public sealed record RunnerProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs notebooks in a separate runner process (<c>dotnet RnnToolkit.Runner.dll ...</c>), for tests that want each
/// notebook isolated from the calling process (native libraries, static state, a cell that never returns).
/// </summary>
public static class RunnerLauncher
{
    /// <summary>The runner assembly launched (the one this type is in).</summary>
    public static string RunnerAssemblyPath => typeof(RunnerLauncher).Assembly.Location;

    /// <summary>Starts the runner with <paramref name="arguments"/> (the same as on the command line) and waits for it.</summary>
    /// <param name="arguments">Command-line arguments, e.g. the notebook, output and <c>-p</c> options.</param>
    /// <param name="timeout">Kill the process after this long (default: no limit).</param>
    /// <param name="cancellationToken">Kills the process when cancelled.</param>
    /// <param name="workingDirectory">The process's working folder (relative paths in <paramref name="arguments"/> resolve
    /// against it); default: this process's current folder.</param>
    public static async Task<RunnerProcessResult> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default, string? workingDirectory = null)
    {
        using var process = Start(arguments, workingDirectory);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t) limit.CancelAfter(t);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        return new RunnerProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    static string ExistingCurrentDirectory()
    {
        try
        {
            var current = Environment.CurrentDirectory;
            if (Directory.Exists(current)) return current;
        }
        catch (IOException)
        {
        }
        return AppContext.BaseDirectory;
    }

    /// <summary>Starts the runner process with redirected output; the caller owns and disposes it.</summary>
    /// <param name="arguments">Command-line arguments.</param>
    /// <param name="workingDirectory">The process's working folder; default: this process's current folder.</param>
    public static Process Start(IEnumerable<string> arguments, string? workingDirectory = null)
    {
        if (workingDirectory is not null && !Directory.Exists(workingDirectory))
            throw new DirectoryNotFoundException($"Working folder '{workingDirectory}' does not exist.");
        var start = new ProcessStartInfo(DotNetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? ExistingCurrentDirectory(),
        };
        start.ArgumentList.Add(RunnerAssemblyPath);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the runner process.");
    }
}
