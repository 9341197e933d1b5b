using System.Diagnostics;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RnnToolkit.Runner.Kernel;

namespace RnnToolkit.Runner.Packages;

/// <summary>
/// Restores <c>#r "nuget:"</c> packages for real: a temporary project listing every package the session asked for so
/// far, <c>dotnet restore</c>, then the assets file gives the runtime assemblies to reference and the native folders
/// to register. Cumulative per session, with the kernel's error for a conflicting explicit version.
/// </summary>
internal sealed class PackageRestorer : IDisposable
{
    private readonly string _workingDirectory;
    private readonly Dictionary<string, string?> _requested = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _sources = new();
    private readonly HashSet<string> _referenced = new(StringComparer.Ordinal);
    private string? _projectDirectory;

    /// <summary>Creates a restorer whose relative <c>#i</c> sources are based at <paramref name="workingDirectory"/>.</summary>
    public PackageRestorer(string workingDirectory) => _workingDirectory = workingDirectory;

    /// <summary>Adds packages and sources from one cell and restores; returns the assemblies new to the session.</summary>
    public async Task<RestoreResult> AddAsync(
        IReadOnlyList<PackageReferenceDirective> packages, IReadOnlyList<string> sources, OutputSink sink, CancellationToken cancellationToken)
    {
        foreach (var source in sources)
        {
            var resolved = source.Contains("://", StringComparison.Ordinal)
                ? source
                : Path.GetFullPath(Path.Combine(_workingDirectory, source));
            if (!_sources.Contains(resolved, StringComparer.Ordinal)) _sources.Add(resolved);
        }

        var added = new List<PackageReferenceDirective>();
        foreach (var package in packages)
        {
            if (_requested.TryGetValue(package.Name, out var previous))
            {
                var previousVersion = previous ?? (_resolved.TryGetValue(package.Name, out var r) ? r : null);
                if (package.Version is { } v && previousVersion is { } w && !string.Equals(v, w, StringComparison.OrdinalIgnoreCase)
                    && !(v.Contains('*') && previous is null))
                {
                    return RestoreResult.Failure($"{package.Name} version {v} cannot be added because version {w} was added previously.");
                }
                continue;
            }
            added.Add(package);
        }
        if (added.Count == 0) return RestoreResult.Success(Array.Empty<string>());
        foreach (var package in added) _requested[package.Name] = package.Version;

        var restore = await RestoreAsync(cancellationToken).ConfigureAwait(false);
        if (restore is not null)
        {
            foreach (var package in added) _requested.Remove(package.Name);
            return RestoreResult.Failure(restore);
        }

        var assets = ReadAssets();
        var newReferences = new List<string>();
        foreach (var path in assets.Assemblies)
        {
            if (_referenced.Add(path)) newReferences.Add(path);
        }
        NativeAssetRegistry.AddAssemblies(assets.Assemblies);
        foreach (var folder in assets.NativeFolders) NativeAssetRegistry.AddNativeFolder(folder);
        foreach (var (name, version) in assets.Versions) _resolved[name] = version;

        var installed = added.Select(p => (p.Name, Version: _resolved.TryGetValue(p.Name, out var v) ? v : p.Version ?? "")).ToList();
        var html = new StringBuilder("<div><div><strong>Installed Packages</strong><ul>");
        var plain = new StringBuilder("Installed Packages\n");
        foreach (var (name, version) in installed)
        {
            html.Append("<li><span>").Append(SecurityElement.Escape(name)).Append(", ").Append(SecurityElement.Escape(version)).Append("</span></li>");
            plain.Append(" - ").Append(name).Append(", ").Append(version).Append('\n');
        }
        html.Append("</ul></div></div>");
        sink.Display(Guid.NewGuid().ToString(), new JsonObject { ["text/html"] = html.ToString(), ["text/plain"] = plain.ToString() });
        return RestoreResult.Success(newReferences);
    }

    private async Task<string?> RestoreAsync(CancellationToken cancellationToken)
    {
        _projectDirectory ??= Directory.CreateTempSubdirectory("rnn-runner-restore-").FullName;
        File.WriteAllText(Path.Combine(_projectDirectory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(_projectDirectory, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(_projectDirectory, "Directory.Packages.props"), "<Project />\n");
        var project = new StringBuilder();
        project.Append("<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n");
        project.Append("    <TargetFramework>net").Append(Environment.Version.Major).Append('.').Append(Environment.Version.Minor).Append("</TargetFramework>\n");
        project.Append("    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n");
        project.Append("    <NuGetAudit>false</NuGetAudit>\n");
        project.Append("    <TreatWarningsAsErrors>false</TreatWarningsAsErrors>\n");
        if (_sources.Count > 0)
            project.Append("    <RestoreAdditionalProjectSources>").Append(SecurityElement.Escape(string.Join(';', _sources))).Append("</RestoreAdditionalProjectSources>\n");
        project.Append("  </PropertyGroup>\n  <ItemGroup>\n");
        foreach (var (name, version) in _requested)
        {
            project.Append("    <PackageReference Include=\"").Append(SecurityElement.Escape(name))
                .Append("\" Version=\"").Append(SecurityElement.Escape(version ?? "*")).Append("\" />\n");
        }
        project.Append("  </ItemGroup>\n</Project>\n");
        var projectPath = Path.Combine(_projectDirectory, "restore.csproj");
        File.WriteAllText(projectPath, project.ToString());

        var start = new ProcessStartInfo(DotNetHost.Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _projectDirectory,
        };
        foreach (var arg in new[] { "restore", projectPath, "--nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false" })
            start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet restore'.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode == 0) return null;
        var errors = output.Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
            .Select(l => l.Replace(projectPath + " : ", "", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        return "Package restore failed: " + (errors.Count > 0 ? string.Join("\n", errors) : output.Trim());
    }

    private (List<string> Assemblies, List<string> NativeFolders, List<(string, string)> Versions) ReadAssets()
    {
        var assetsPath = Path.Combine(_projectDirectory!, "obj", "project.assets.json");
        var root = JsonNode.Parse(File.ReadAllText(assetsPath))!.AsObject();
        var packageFolders = root["packageFolders"]!.AsObject().Select(p => p.Key).ToList();
        var libraries = root["libraries"]!.AsObject();
        var target = root["targets"]!.AsObject().First().Value!.AsObject();
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && !string.IsNullOrEmpty(a.Location))
            .GroupBy(a => a.GetName().Name ?? "", StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().Location, StringComparer.OrdinalIgnoreCase);
        var assemblies = new List<string>();
        var natives = new List<string>();
        var versions = new List<(string, string)>();
        var rids = new[] { "linux-x64", "linux", "unix" };
        foreach (var (key, value) in target)
        {
            if (value is not JsonObject lib || (string?)lib["type"] != "package") continue;
            var slash = key.IndexOf('/');
            var name = key[..slash];
            versions.Add((name, key[(slash + 1)..]));
            var relative = (string?)libraries[key]?["path"] ?? key.ToLowerInvariant();
            var folder = packageFolders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists);
            if (folder is null) continue;
            var runtime = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (lib["runtime"] is JsonObject runtimeAssets)
            {
                foreach (var (asset, _) in runtimeAssets)
                {
                    if (asset.EndsWith("/_._", StringComparison.Ordinal)) continue;
                    runtime[Path.GetFileName(asset)] = Path.Combine(folder, asset);
                }
            }
            if (lib["runtimeTargets"] is JsonObject targets)
            {
                foreach (var (asset, info) in targets)
                {
                    var rid = (string?)info?["rid"];
                    var type = (string?)info?["assetType"];
                    if (rid is null || !rids.Contains(rid)) continue;
                    var full = Path.Combine(folder, asset);
                    if (type == "runtime" && !asset.EndsWith("/_._", StringComparison.Ordinal))
                        runtime[Path.GetFileName(asset)] = full;
                    else if (type == "native")
                    {
                        var dir = Path.GetDirectoryName(full)!;
                        if (!natives.Contains(dir)) natives.Add(dir);
                    }
                }
            }
            foreach (var rid in rids)
            {
                var native = Path.Combine(folder, "runtimes", rid, "native");
                if (Directory.Exists(native) && !natives.Contains(native)) natives.Add(native);
            }
            foreach (var (file, path) in runtime)
            {
                if (!file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)) continue;
                var simple = Path.GetFileNameWithoutExtension(file);
                assemblies.Add(loaded.TryGetValue(simple, out var already) ? already : path);
            }
        }
        return (assemblies.Distinct(StringComparer.Ordinal).ToList(), natives, versions);
    }

    /// <summary>Deletes the temporary restore project.</summary>
    public void Dispose()
    {
        if (_projectDirectory is null) return;
        try
        {
            Directory.Delete(_projectDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
