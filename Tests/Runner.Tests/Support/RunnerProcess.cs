using System.Diagnostics;

namespace RnnToolkit.Runner.Tests.Support;

/// Launches the built runner through the library's RunnerLauncher.
public static class RunnerProcess
{
    public static Process Start(params string[] args) => RunnerLauncher.Start(args);

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var result = await RunnerLauncher.RunAsync(args, TimeSpan.FromMinutes(2));
        return (result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
