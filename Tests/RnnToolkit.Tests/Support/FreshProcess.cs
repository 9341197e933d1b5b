using System.Diagnostics;

namespace RnnToolkit.Tests.Support;

/// <summary>Runs Tests/FreshProcess (a console app whose first call is into the toolkit) in a new process.</summary>
static class FreshProcess
{
    /// <summary>The toolkit's environment switches, removed from the child's environment unless a test sets them.</summary>
    public static readonly string[] Switches = ["OMP_WAIT_POLICY", "RNNTOOLKIT_MALLOC_TUNING", "RNNTOOLKIT_ONEDNN"];

    /// <summary>Runs the app with <paramref name="arguments"/> and <paramref name="environment"/> (null values unset a variable); returns its exit code and output.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string[] arguments, IReadOnlyDictionary<string, string?> environment)
    {
        string app = Path.Combine(AppContext.BaseDirectory, "RnnToolkit.FreshProcess.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", app, .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the fresh process did not finish in 2 minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }
}
