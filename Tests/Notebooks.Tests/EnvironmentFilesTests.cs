using System.Text.Json;
using System.Text.RegularExpressions;

namespace RnnToolkit.Notebooks.Tests;

/// <summary>Binder and Codespaces cannot be built here (no Docker engine): this checks their files; EnvironmentCheckTests replays their steps.</summary>
public sealed class EnvironmentFilesTests
{
    static string Read(string relative) => File.ReadAllText(Path.Combine(Repository.Root, relative));

    static string Version => Regex.Match(Read("Directory.Build.props"), "<Version>([^<]+)</Version>").Groups[1].Value;

    const string KernelVersion = "1.0.712001";

    [Fact]
    public void Kernel_installer_pins_the_tool_and_registers_the_kernelspec_with_the_tools_folder_on_path()
    {
        var script = Read("scripts/install-kernel.sh");
        Assert.Contains($"version={KernelVersion}", script);
        Assert.Matches(@"dotnet tool ""\$verb"" -g ""\$tool"" --version ""\$version""", script);
        Assert.Contains("tool=Microsoft.dotnet-interactive", script);
        Assert.Contains("export PATH=\"$PATH:$HOME/.dotnet/tools\"", script);
        Assert.Contains("mkdir -p \"$HOME/.local/share/jupyter/kernels\"", script);
        Assert.True(script.IndexOf("mkdir -p \"$HOME/.local/share/jupyter/kernels\"", StringComparison.Ordinal) < script.IndexOf("dotnet interactive jupyter install", StringComparison.Ordinal));
        Assert.Contains("get_kernel_spec(\".net-csharp\")", script);
        // The test command installs it.
        Assert.Contains("install-kernel.sh", Read("scripts/install-test-deps.sh"));
        Assert.Contains("install-test-deps.sh", Read("scripts/test.sh"));
    }

    [Fact]
    public void Binder_reuses_uid_1000_installs_the_pinned_kernel_and_packs_the_feed_as_the_notebook_user()
    {
        var docker = Read("binder/Dockerfile");
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0$", docker);
        Assert.Matches(@"(?m)^ARG NB_UID=1000$", docker);
        // The base image's Ubuntu already has uid 1000 (`ubuntu`): no plain useradd, the user comes from create-user.sh.
        Assert.DoesNotContain("useradd", docker);
        Assert.Matches(@"(?m)^RUN bash /tmp/setup/binder/setup-root\.sh \$\{NB_USER\} \$\{NB_UID\}", docker);
        var setupCopies = Regex.Matches(docker, @"(?m)^COPY (?!--)(.+) /tmp/setup/\S+$");
        // The root step runs from /tmp/setup before the repository is copied: it has every script it calls, transitively.
        var copied = setupCopies.SelectMany(m => m.Groups[1].Value.Split(' ')).ToHashSet();
        Assert.Contains("binder/setup-root.sh", copied);
        foreach (var file in copied)
            foreach (Match called in Regex.Matches(Regex.Replace(Read(file), @"(?m)^\s*#.*$", ""), @"([\w-]+\.sh)\b"))   // outside comments
                if (new[] { "scripts", "binder" }.Select(d => $"{d}/{called.Groups[1].Value}").FirstOrDefault(f => File.Exists(Path.Combine(Repository.Root, f))) is { } needed)
                    Assert.True(copied.Contains(needed), $"{file} calls {needed}, which binder/Dockerfile does not copy to /tmp/setup");
        foreach (Match setup in setupCopies)
            foreach (var file in setup.Groups[1].Value.Split(' '))
                Assert.True(File.Exists(Path.Combine(Repository.Root, file)), $"binder/Dockerfile copies {file}, which does not exist");
        Assert.Contains("create-user.sh", Read("binder/setup-root.sh"));
        Assert.Contains("install-kernel.sh\" --system", Read("binder/setup-root.sh"));
        Assert.Contains("jupyterlab", Read("binder/setup-root.sh"));
        // As the notebook user, in this order: the kernel (pinned by install-kernel.sh), then the feed.
        var user = docker.IndexOf("USER ${NB_USER}", StringComparison.Ordinal);
        var kernel = docker.IndexOf("RUN bash scripts/install-kernel.sh", StringComparison.Ordinal);
        var pack = docker.IndexOf("RUN bash scripts/pack.sh", StringComparison.Ordinal);
        Assert.True(user > 0 && user < kernel && kernel < pack, "binder/Dockerfile: USER ${NB_USER}, then RUN bash scripts/install-kernel.sh, then RUN bash scripts/pack.sh");
        Assert.Matches(@"(?m)^\s*PATH=/home/\$\{NB_USER\}/\.local/bin:/home/\$\{NB_USER\}/\.dotnet/tools:\$\{PATH\}", docker);
        Assert.Matches(@"(?m)^CMD \[""jupyter"", ""lab""", docker);
        // The repository is not ${HOME} itself: the kernel's restore project under ~/.packagemanagement would inherit its
        // Directory.Build.props / Directory.Packages.props (central package management, NU1008 on every #r "nuget: …").
        var copy = Regex.Match(docker, @"(?m)^COPY --chown=\S+ \. (\S+)$");
        Assert.True(copy.Success, "binder/Dockerfile copies the repository with COPY --chown=… . DEST");
        Assert.Matches(@"^\$\{HOME\}/[^/]+$", copy.Groups[1].Value);
        Assert.Matches($@"(?m)^WORKDIR {Regex.Escape(copy.Groups[1].Value)}$", docker);
        Assert.DoesNotContain("artifacts", Regex.Replace(docker, "(?m)^#.*$", ""));            // the feed is packed in the image, not copied
        Assert.Contains("artifacts/", Read(".dockerignore"));
    }

    [Fact]
    public void Binder_user_script_renames_an_existing_uid_or_creates_the_user()
    {
        var script = Read("binder/create-user.sh");
        Assert.Contains("getent passwd \"$uid\"", script);
        Assert.Contains("usermod --login \"$name\" --home \"/home/$name\" --move-home", script);
        Assert.Contains("useradd --create-home --home-dir \"/home/$name\"", script);
        var (code, output) = Repository.Run("bash", "-n", "binder/create-user.sh");
        Assert.True(code == 0, output);
    }

    [Fact]
    public void Devcontainer_uses_the_jupyter_extension_installs_the_kernel_and_packs_the_feed()
    {
        var text = Read(".devcontainer/devcontainer.json");
        Assert.DoesNotContain("kernelTransportArgs", text);                                     // it stops the kernel from starting
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Contains("dotnet", root.GetProperty("image").GetString());
        var extensions = root.GetProperty("customizations").GetProperty("vscode").GetProperty("extensions").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("ms-toolsai.jupyter", extensions);
        Assert.Contains("ms-dotnettools.csdevkit", extensions);
        Assert.DoesNotContain("ms-dotnettools.dotnet-interactive-vscode", extensions);           // Polyglot Notebooks: deprecated
        Assert.Equal("bash scripts/install-kernel.sh && bash scripts/pack.sh", root.GetProperty("postCreateCommand").GetString());
        var user = root.GetProperty("remoteUser").GetString();
        Assert.Matches($@"^\$\{{containerEnv:PATH\}}:/home/{user}/\.dotnet/tools$", root.GetProperty("remoteEnv").GetProperty("PATH").GetString());
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
        }
        Assert.True(references > 0, "no #r \"nuget: …\" directive found in the notebooks");
        // The set-up cells add ../artifacts/feed from the notebook's folder (by its full path): the folder pack.sh writes.
        Assert.Matches("(?m)^feed=artifacts/feed$", Read("scripts/pack.sh"));
        Assert.Equal(Path.Combine(Repository.Root, "artifacts", "feed"), Path.GetFullPath(Path.Combine(Repository.Notebooks, "..", "artifacts", "feed")));
    }
}
