using RnnToolkit.Runner.Cli;

namespace RnnToolkit.Runner;

/// <summary>Entry point of <c>RnnToolkit.Runner</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line and exits with its code (a cell that timed out may still be running).</summary>
    /// <param name="args">Command-line arguments.</param>
    public static async Task<int> Main(string[] args)
    {
        var code = await RunnerCommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
        Console.Out.Flush();
        Console.Error.Flush();
        Environment.Exit(code);
        return code;
    }
}
