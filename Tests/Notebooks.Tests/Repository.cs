using System.Diagnostics;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>The repository this test run belongs to, and the packages the notebooks reference.</summary>
public sealed class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Notebooks => Path.Combine(Root, "notebooks");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "toolkit.sln"))) return dir.FullName;
        throw new InvalidOperationException($"toolkit.sln not found above {AppContext.BaseDirectory}");
    }

    public static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file, args) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}

/// <summary>Packs the toolkit into artifacts/feed once per test run, as scripts/run-notebooks.sh does.</summary>
public sealed class PackedFeed
{
    public PackedFeed()
    {
        var (code, output) = Repository.Run("bash", "scripts/pack.sh");
        if (code != 0) throw new InvalidOperationException($"scripts/pack.sh failed ({code}):\n{output}");
    }
}

[CollectionDefinition("notebooks")]
public sealed class NotebookCollection : ICollectionFixture<PackedFeed>;
