namespace RnnToolkit.Runner.Cli;

/// <summary>Finds the <c>dotnet</c> executable that runs the runner CLI in a child process.</summary>
static class DotNetHost
{
    /// <summary>The <c>dotnet</c> host: <c>DOTNET_HOST_PATH</c>, the running host, the host of the running runtime, or <c>dotnet</c> on the PATH.</summary>
    public static string Path
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
            var process = Environment.ProcessPath;
            if (process is not null && System.IO.Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
            // The host next to the running shared framework: <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet.
            var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
            var beside = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtime, "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
            return File.Exists(beside) ? beside : "dotnet";
        }
    }
}
