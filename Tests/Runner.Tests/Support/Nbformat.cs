using System.Diagnostics;

namespace RnnToolkit.Runner.Tests.Support;

/// Validates notebooks with the real nbformat package (Debian's python3-nbformat).
public static class Nbformat
{
    public static void AssertValid(string path)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import sys, nbformat; nb = nbformat.read(sys.argv[1], as_version=4); nbformat.validate(nb); print(nb.nbformat, nb.nbformat_minor)");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"nbformat rejected {path}:\n{error}");
        Assert.Equal("4 5", output.Trim());
    }
}
