namespace RnnToolkit.Runner.Packages;

/// <summary>Finds the <c>dotnet</c> executable used for restores and packing.</summary>
internal static class DotNetHost
{
    /// <summary>The <c>dotnet</c> host: <c>DOTNET_HOST_PATH</c>, the running host, or <c>dotnet</c> on the PATH.</summary>
    public static string Path
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv)) return fromEnv;
            var process = Environment.ProcessPath;
            if (process is not null && System.IO.Path.GetFileNameWithoutExtension(process) == "dotnet") return process;
            return "dotnet";
        }
    }
}
