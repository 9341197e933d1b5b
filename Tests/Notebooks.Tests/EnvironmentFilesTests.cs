using System.Text.Json;
using System.Text.RegularExpressions;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>Binder and Codespaces cannot be built here (no Docker engine); this checks what can be checked.</summary>
public sealed class EnvironmentFilesTests
{
    static string Read(string relative) => File.ReadAllText(Path.Combine(Repository.Root, relative));

    static string Version => Regex.Match(Read("Directory.Build.props"), "<Version>([^<]+)</Version>").Groups[1].Value;

    [Fact]
    public void Binder_installs_dotnet_jupyter_and_the_kernel_packs_the_feed_and_runs_as_the_notebook_user()
    {
        var docker = Read("binder/Dockerfile");
        Assert.Matches(@"FROM mcr\.microsoft\.com/dotnet/sdk:10\.0", docker);
        Assert.Contains("dotnet tool install --global Microsoft.dotnet-interactive", docker);
        Assert.Contains("dotnet interactive jupyter install", docker);
        Assert.Contains("RUN bash scripts/pack.sh", docker);
        Assert.Matches(@"ARG NB_UID=1000", docker);
        Assert.Matches(@"(?m)^USER \$\{NB_USER\}", docker);
        Assert.True(docker.IndexOf("USER ${NB_USER}") < docker.IndexOf("RUN bash scripts/pack.sh"), "packs as the notebook user");
        Assert.True(File.Exists(Path.Combine(Repository.Root, "scripts", "pack.sh")));
    }

    [Fact]
    public void Devcontainer_has_polyglot_notebooks_and_the_same_pack_step()
    {
        using var doc = JsonDocument.Parse(Read(".devcontainer/devcontainer.json"));
        var root = doc.RootElement;
        Assert.Contains("dotnet", root.GetProperty("image").GetString());
        var extensions = root.GetProperty("customizations").GetProperty("vscode").GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("ms-dotnettools.dotnet-interactive-vscode", extensions);
        Assert.Equal("bash scripts/pack.sh", root.GetProperty("postCreateCommand").GetString());
    }

    [Fact]
    public void Notebooks_reference_the_packages_and_version_the_pack_step_produces()
    {
        var packed = new[] { "Toolkit/Toolkit.csproj", "Formatters/Formatters.csproj" }
            .Where(p => File.Exists(Path.Combine(Repository.Root, p)))
            .Select(p => Regex.Match(Read(p), "<PackageId>([^<]+)</PackageId>").Groups[1].Value)
            .ToHashSet();
        Assert.Contains("RnnToolkit", packed);
        int references = 0;
        foreach (var notebook in Directory.GetFiles(Repository.Notebooks, "*.ipynb"))
        {
            foreach (Match m in Regex.Matches(File.ReadAllText(notebook), @"#r \\""nuget: ([A-Za-z.]+), ([^\\""]+)\\"""))
            {
                Assert.True(packed.Contains(m.Groups[1].Value), $"{Path.GetFileName(notebook)} references {m.Groups[1].Value}, which scripts/pack.sh does not build");
                Assert.Equal(Version, m.Groups[2].Value);
                references++;
            }
            Assert.Contains("#i \\\"nuget:../artifacts/feed\\\"", File.ReadAllText(notebook));
        }
        Assert.True(references > 0, "no #r \"nuget: …\" directive found in the notebooks");
        Assert.Contains("artifacts/feed", Read("scripts/pack.sh"));
    }
}
