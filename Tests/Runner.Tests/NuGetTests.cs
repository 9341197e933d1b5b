using RnnToolkit.Runner.Tests.Support;
using static RnnToolkit.Runner.Tests.Support.TestNotebook;

namespace RnnToolkit.Runner.Tests;

public class NuGetTests(TinyPackageFeed feed) : IClassFixture<TinyPackageFeed>
{
    const string Id = TinyPackageFeed.PackageId;

    string CopyFeedInto(TempFolder folder)
    {
        var target = Directory.CreateDirectory(folder.File("packages")).FullName;
        foreach (var file in Directory.GetFiles(feed.Feed, "*.nupkg")) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return target;
    }

    [Fact]
    public async Task Package_from_a_folder_feed_restores_with_native_assets_cumulatively_and_rejects_a_conflicting_version()
    {
        using var folder = new TempFolder();
        var feedPath = CopyFeedInto(folder);
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code($"#i \"nuget:{feedPath}\"\n#r \"nuget: {Id}, 1.0.0\"\nRnnRunnerTinyPkg.Greeter.Hello(\"notebook\")"),
            Code("RnnRunnerTinyPkg.Greeter.NativeZlibVersion()"),
            Code("RnnRunnerTinyPkg.WidgetFormatting.Register();\nnew RnnRunnerTinyPkg.Widget { Name = \"w1\" }"),
            Code($"#r \"nuget: {Id}, 1.0.0\"\n\"again\""),
            Code($"#r \"nuget: {Id}, 2.0.0-beta.1\"\n\"conflict\""));
        Assert.False(result.Succeeded);
        var first = Run.OutputsOf(output, "Greeter.Hello");
        Assert.Equal("display_data", (string)first[0]!["output_type"]!);
        Assert.Matches($@"{Id}.*1\.0\.0", Text(first[0]!["data"]!["text/html"]));   // the kernel's "Installed Packages" display
        Assert.Equal("Hello, notebook!", Text(first[1]!["data"]!["text/plain"]));
        var native = Text(Run.OutputsOf(output, "NativeZlibVersion")[0]!["data"]!["text/plain"]);
        Assert.Matches(@"^\d+\.\d+", native);
        // The package's Formatter.Register reaches the runner's formatter: one copy of the Formatting assembly.
        var widget = Run.OutputsOf(output, "WidgetFormatting");
        Assert.True(widget.Count == 1 && widget[0]!["data"]?["text/html"] is not null, widget.ToJsonString());
        Assert.Equal("<b>widget w1</b>", Text(widget[0]!["data"]!["text/html"]));
        var again = Run.OutputsOf(output, "\"again\"");
        // Referencing the same package again is not an error; the kernel shows its package list again, then the value.
        Assert.DoesNotContain(again, o => (string)o!["output_type"]! == "error");
        Assert.Equal("execute_result", (string)again[^1]!["output_type"]!);
        Assert.Equal("again", Text(again[^1]!["data"]!["text/plain"]));
        var conflict = Run.OutputsOf(output, "\"conflict\"").Single()!;
        Assert.Equal("error", (string)conflict["output_type"]!);
        Assert.Equal($"{Id} version 2.0.0-beta.1 cannot be added because version 1.0.0 was added previously.", (string)conflict["evalue"]!);
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }

    [Fact]
    public async Task No_version_takes_latest_stable_and_star_dash_star_takes_latest_prerelease()
    {
        using var folder = new TempFolder();
        var feedPath = CopyFeedInto(folder);
        var (stable, stableOut) = await Run.NotebookAsync(folder, null,
            Code($"#i \"nuget:{feedPath}\"\n#r \"nuget: {Id}\"\nRnnRunnerTinyPkg.Greeter.Hello(\"stable\")"));
        Assert.True(stable.Succeeded, stable.FailedCell?.ErrorMessage);
        Assert.Matches($@"{Id}.*1\.0\.0", Text(Run.OutputsOf(stableOut, "stable")[0]!["data"]!["text/html"]));

        var (pre, preOut) = await Run.NotebookAsync(folder, null,
            Code($"#i \"nuget:{feedPath}\"\n#r \"nuget: {Id}, *-*\"\nRnnRunnerTinyPkg.Greeter.Hello(\"pre\")"));
        Assert.True(pre.Succeeded, pre.FailedCell?.ErrorMessage);
        Assert.Matches($@"{Id}.*2\.0\.0-beta\.1", Text(Run.OutputsOf(preOut, "pre")[0]!["data"]!["text/html"]));
    }

    [Fact]
    public async Task Missing_package_fails_the_cell_with_the_restore_error_and_a_dll_reference_works()
    {
        using var folder = new TempFolder();
        var feedPath = CopyFeedInto(folder);
        File.Copy(feed.AssemblyPath, folder.File("Tiny.dll"));
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code("#r \"Tiny.dll\"\nRnnRunnerTinyPkg.Greeter.Hello(\"dll\")"),
            Code($"#i \"nuget:{feedPath}\"\n#r \"nuget: {Id}.DoesNotExist, 1.0.0\"\n1"));
        Assert.False(result.Succeeded);
        Assert.Equal("Hello, dll!", Text(Run.OutputsOf(output, "Tiny.dll")[0]!["data"]!["text/plain"]));
        var error = Run.OutputsOf(output, "DoesNotExist").Last()!;
        Assert.Equal("error", (string)error["output_type"]!);
        Assert.Contains("error NU1101: Unable to find package", (string)error["evalue"]!);
        Assert.Contains($"{Id}.DoesNotExist", (string)error["evalue"]!);
    }

    [Fact]
    public async Task Relative_package_source_is_rejected_with_the_kernels_message()
    {
        // The real kernel does not resolve #i "nuget:<relative folder>" (dotnet/interactive#3110); neither does the runner.
        using var folder = new TempFolder();
        CopyFeedInto(folder);
        var (result, output) = await Run.NotebookAsync(folder, null,
            Code($"#i \"nuget:packages\"\n#r \"nuget: {Id}, 1.0.0\"\n1"),
            Code("2"));
        Assert.False(result.Succeeded);
        var error = Run.OutputsOf(output, "nuget:packages").Last()!;
        Assert.Equal("error", (string)error["output_type"]!);
        Assert.Equal("PackageManagement Error 999 Invalid URI: The format of the URI could not be determined.", (string)error["evalue"]!);
        Assert.Null(result.Cells.Single(c => c.Source == "2").ExecutionCount);
        Nbformat.AssertValid(folder.File("out.ipynb"));
    }
}
