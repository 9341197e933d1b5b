using System.Diagnostics;

namespace RnnToolkit.Runner.Tests.Support;

/// <summary>
/// Packs a tiny package (RnnRunnerTinyPkg 1.0.0 and 2.0.0-beta.1) into a local folder feed once for all NuGet tests.
/// It has a managed assembly and a native library under runtimes/linux-x64/native (a copy of the system zlib renamed
/// libtinyz.so) that the managed code calls through [DllImport("tinyz")].
/// </summary>
public sealed class TinyPackageFeed : IDisposable
{
    public const string PackageId = "RnnRunnerTinyPkg";

    readonly TempFolder temp = new();

    public TinyPackageFeed()
    {
        // A copy left in the global packages folder by an earlier run would be used instead of this build.
        RemoveFromGlobalPackages();
        var project = Directory.CreateDirectory(Path.Combine(temp.Path, "src")).FullName;
        Feed = Directory.CreateDirectory(Path.Combine(temp.Path, "feed")).FullName;
        foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            File.WriteAllText(Path.Combine(project, name), "<Project />\n");
        Directory.CreateDirectory(Path.Combine(project, "native"));
        File.Copy(FindZlib(), Path.Combine(project, "native", "libtinyz.so"));
        File.WriteAllText(Path.Combine(project, PackageId + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net{Environment.Version.Major}.{Environment.Version.Minor}</TargetFramework>
                <PackageId>{PackageId}</PackageId>
                <Version>1.0.0</Version>
                <ImplicitUsings>disable</ImplicitUsings>
                <Nullable>disable</Nullable>
                <NuGetAudit>false</NuGetAudit>
                <NoWarn>$(NoWarn);NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <None Include="native/libtinyz.so" Pack="true" PackagePath="runtimes/linux-x64/native/" />
                <PackageReference Include="Microsoft.DotNet.Interactive.Formatting" Version="{typeof(Microsoft.DotNet.Interactive.Formatting.Formatter).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false).Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion.Split('+')[0]}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Greeter.cs"), """
            using System;
            using System.Runtime.InteropServices;
            namespace RnnRunnerTinyPkg
            {
                public static class Greeter
                {
                    public static string Hello(string name) => "Hello, " + name + "!";

                    [DllImport("tinyz")]
                    private static extern IntPtr zlibVersion();

                    public static string NativeZlibVersion() => Marshal.PtrToStringAnsi(zlibVersion());
                }

                public sealed class Widget
                {
                    public string Name { get; set; }
                }

                // What a library does to format its own types in notebooks without the kernel package.
                public static class WidgetFormatting
                {
                    public static void Register() =>
                        Microsoft.DotNet.Interactive.Formatting.Formatter.Register<Widget>(
                            (widget, writer) => writer.Write("<b>widget " + widget.Name + "</b>"), "text/html");
                }
            }
            """);
        DotNet(project, "pack", "-c", "Release", "-o", Feed, "--nologo", "-nodeReuse:false");
        DotNet(project, "pack", "-c", "Release", "-o", Feed, "--nologo", "--no-build", "-p:PackageVersion=2.0.0-beta.1", "-nodeReuse:false");
        AssemblyPath = Path.Combine(project, "bin", "Release", $"net{Environment.Version.Major}.{Environment.Version.Minor}", PackageId + ".dll");
        if (!File.Exists(Path.Combine(Feed, PackageId + ".1.0.0.nupkg")) || !File.Exists(Path.Combine(Feed, PackageId + ".2.0.0-beta.1.nupkg")))
            throw new InvalidOperationException("Packing the test package did not produce both versions in " + Feed);
    }

    /// The local folder feed holding the packages.
    public string Feed { get; }

    /// The built managed assembly (for #r "file.dll" tests).
    public string AssemblyPath { get; }

    public void Dispose()
    {
        RemoveFromGlobalPackages();
        temp.Dispose();
    }

    static void RemoveFromGlobalPackages()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(root))
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var folder = Path.Combine(root, PackageId.ToLowerInvariant());
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    static string FindZlib()
    {
        foreach (var dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" })
        {
            var path = Path.Combine(dir, "libz.so.1");
            if (File.Exists(path)) return path;
        }
        throw new InvalidOperationException("The NuGet native-asset test needs the system zlib (libz.so.1); expected it in /lib/x86_64-linux-gnu or /usr/lib64, found none.");
    }

    static void DotNet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet {string.Join(' ', args)} failed ({process.ExitCode}):\n{output.Result}\n{error.Result}");
    }
}
