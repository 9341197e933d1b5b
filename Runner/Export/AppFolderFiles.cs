using System.Security;

namespace RnnToolkit.Runner.Export;

/// <summary>The files written beside exported apps besides the apps themselves.</summary>
static class AppFolderFiles
{
    /// <summary>
    /// A NuGet.config adding the local feed at <paramref name="relativeFeed"/> (relative to the config's folder, as NuGet
    /// resolves it) to the user's other sources.
    /// </summary>
    public static string NuGetConfig(string relativeFeed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <!-- Written by the runner's notebook export (to app). The notebooks add the local feed to their kernel in a set-up
             cell; `dotnet run <app>.cs` reads it from here (a relative path is relative to this file). Build the feed
             first: `bash scripts/pack.sh` from the repository root. -->
        <configuration>
          <packageSources>
            <add key="rnntoolkit-local" value="{SecurityElement.Escape(relativeFeed.Replace('\\', '/'))}" />
          </packageSources>
        </configuration>

        """;

    /// <summary>Stops MSBuild from importing a Directory.Build.props of a folder above (e.g. a repository's warnings-as-errors and XML-doc rules).</summary>
    public const string DirectoryBuildProps = """
        <Project>
          <!-- Written by the notebook exporter: the apps in this folder are built with the SDK's defaults for file-based apps,
               not with the settings of a repository they sit in. -->
        </Project>

        """;

    /// <summary>Stops MSBuild from importing a Directory.Build.targets of a folder above.</summary>
    public const string DirectoryBuildTargets = DirectoryBuildProps;

    /// <summary>Turns off central package management, which would reject the apps' <c>#:package Name@Version</c> directives.</summary>
    public const string DirectoryPackagesProps = """
        <Project>
          <!-- Written by the notebook exporter: the apps name their package versions in #:package directives. -->
          <PropertyGroup>
            <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
          </PropertyGroup>
        </Project>

        """;
}
