using RnnToolkit.Runner.Export;

namespace RnnToolkit.Runner.Tests.Export;

/// <summary>notebooks/apps holds exactly what exporting notebooks/*.ipynb writes (tools/notebooks/build.py regenerates it).</summary>
public sealed class CommittedAppsTests
{
    static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "toolkit.sln"))) return dir.FullName;
        throw new InvalidOperationException($"toolkit.sln not found above {AppContext.BaseDirectory}");
    }

    [Fact]
    public void The_committed_apps_are_current()
    {
        var notebooks = Path.Combine(Root(), "notebooks");
        var inputs = Directory.GetFiles(notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, inputs.Count);
        var files = AppExport.Files(inputs, Path.Combine(notebooks, "apps"), Path.Combine(Root(), "artifacts", "feed"));
        foreach (var (path, text) in files)
        {
            Assert.True(File.Exists(path), $"{path} is missing: run python3 tools/notebooks/build.py");
            Assert.True(text == File.ReadAllText(path), $"{path} is out of date: run python3 tools/notebooks/build.py");
        }
        Assert.Equal(files.Count, Directory.GetFiles(Path.Combine(notebooks, "apps")).Count(f => !f.EndsWith(".html", StringComparison.Ordinal)));
    }
}
